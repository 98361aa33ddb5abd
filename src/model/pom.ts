// The coordinates a Maven pom.xml declares, read with a small bounded scan of its elements rather
// than an XML library: only the project's own groupId, artifactId, version, its <parent>'s, its
// <properties> and a relocation matter, and a pom is a few KiB of plain elements.
import type { MavenCoordinates } from './maven.js';

/** No real pom comes near this; a larger one is not read. */
const MAX_POM_BYTES = 1024 * 1024;

export interface PomFacts extends MavenCoordinates {
  /** The pom only points elsewhere (`<distributionManagement><relocation>`): its coordinates are an alias. */
  relocated: boolean;
}

/** Text of the elements directly at each path (`project/parent/groupId`), first occurrence only. */
function elementTexts(xml: string): Map<string, string> {
  const texts = new Map<string, string>();
  const stack: string[] = [];
  const body = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\?[\s\S]*?\?>/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const [, closing, name = '', selfClosing] = m;
    const local = name.slice(name.indexOf(':') + 1);
    if (closing) {
      const path = stack.join('/');
      if (stack.at(-1) === local && !texts.has(path)) texts.set(path, body.slice(last, m.index).trim());
      stack.pop();
    } else if (!selfClosing) {
      stack.push(local);
    }
    last = tag.lastIndex;
  }
  return texts;
}

/** `${project.version}`, `${parent.groupId}`, `${some.property}`: left as is when unknown (the caller then has no value). */
function interpolate(value: string, texts: Map<string, string>): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
    const name = key.replace(/^project\./, '');
    const found = texts.get(`project/${name.replace(/\./g, '/')}`) ?? texts.get(`project/properties/${key}`);
    return found !== undefined && !found.includes('${') ? found : whole;
  });
}

/** The pom's coordinates (groupId and version inherited from <parent> when absent), or undefined when it names no artifactId. */
export function pomXmlCoordinates(xml: string): PomFacts | undefined {
  if (xml.length > MAX_POM_BYTES) return undefined;
  const texts = elementTexts(xml);
  const field = (name: string): string | undefined => {
    const raw = texts.get(`project/${name}`) ?? texts.get(`project/parent/${name}`);
    const value = raw === undefined ? undefined : interpolate(raw, texts);
    return value && !value.includes('${') ? value : undefined;
  };
  const artifactId = texts.get('project/artifactId');
  if (!artifactId) return undefined;
  const groupId = field('groupId');
  const version = field('version') ?? '';
  return { ...(groupId ? { groupId } : {}), artifactId, version, relocated: texts.has('project/distributionManagement/relocation') };
}
