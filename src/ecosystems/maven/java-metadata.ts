// What identifies a Java archive: Maven's pom.properties, the JAR manifest (Jenkins plugins'
// included), and the file name.
import type { MavenCoordinates } from '../../model/maven.js';

/** `key=value` / `key: value` lines of a Java properties file (comments with # or !). */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m?.[1]) props.set(m[1], m[2] ?? '');
  }
  return props;
}

/** pom.properties' coordinates, when all three are there. */
export function pomCoordinates(text: string): MavenCoordinates | undefined {
  const props = parseProperties(text);
  const groupId = props.get('groupId');
  const artifactId = props.get('artifactId');
  const version = props.get('version');
  return groupId && artifactId && version ? { groupId, artifactId, version } : undefined;
}

/** The main section of MANIFEST.MF: `Name: value` headers, continuation lines start with one space. */
export function parseManifest(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) {
      headers.set(last, `${headers.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    headers.set(last, line.slice(colon + 1).trim());
  }
  return headers;
}

/** `commons-io-2.11.0.jar` → commons-io 2.11.0: the version starts at the last `-<digit>`. */
export function fileNameCoordinates(fileName: string): { artifactId: string; version?: string } {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[a-z]+$/i, '');
  const m = /^(.+)-(\d[^-]*(?:-[^\d-][^-]*)*)$/.exec(base);
  return m?.[1] && m[2] ? { artifactId: m[1], version: m[2] } : { artifactId: base };
}

/** A dotted module or bundle name that ends in `.<artifactId>` names the group before it (`com.fasterxml.jackson.core.jackson-annotations`). */
function groupBefore(name: string | undefined, artifactId: string): string | undefined {
  return name?.endsWith(`.${artifactId}`) ? name.slice(0, -artifactId.length - 1) : undefined;
}

/**
 * Coordinates from the manifest (Implementation-* first, then OSGi Bundle-*) when it has a version;
 * the artifactId is the file name's, as Maven names jars `<artifactId>-<version>.jar`. The groupId is
 * Implementation-Vendor-Id, else what Bundle-SymbolicName or Automatic-Module-Name says before `.<artifactId>`.
 */
export function manifestCoordinates(manifest: Map<string, string>, fileName: string): MavenCoordinates | undefined {
  const fromName = fileNameCoordinates(fileName);
  const symbolicName = manifest.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version');
  if (!version) return undefined;
  const artifactId = fromName.artifactId || manifest.get('Implementation-Title') || symbolicName;
  if (!artifactId) return undefined;
  const groupId =
    manifest.get('Implementation-Vendor-Id') ?? groupBefore(symbolicName, artifactId) ?? groupBefore(manifest.get('Automatic-Module-Name'), artifactId);
  return { ...(groupId ? { groupId } : {}), artifactId, version };
}

/** A Jenkins plugin's own manifest fields: `Group-Id`, `Short-Name` (the artifactId) and `Plugin-Version` (`2.6 (private-…)` for a local build). */
export function jenkinsCoordinates(manifest: Map<string, string>): MavenCoordinates | undefined {
  const artifactId = manifest.get('Short-Name');
  const version = manifest.get('Plugin-Version')?.split(/\s/)[0];
  if (!artifactId || !version) return undefined;
  const groupId = manifest.get('Group-Id');
  return { ...(groupId ? { groupId } : {}), artifactId, version };
}

/**
 * sbt-native-packager names the jars it bundles `<groupId>.<artifactId>-<version>.jar`
 * (`org.typelevel.cats-core_2.13-2.9.0.jar`): a name of two or more dotted lower-case segments before an
 * artifactId (with its Scala suffix `_2.13`) gives the group. Plain names (`log4j-1.2-1.2.17.jar`) give none.
 */
export function sbtFileNameCoordinates(fileName: string): MavenCoordinates | undefined {
  const { artifactId: name, version } = fileNameCoordinates(fileName);
  const m = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)\.([A-Za-z][\w-]*?(?:_\d+(?:\.\d+)?)?)$/.exec(name);
  return version && m?.[1] && m[2] ? { groupId: m[1], artifactId: m[2], version } : undefined;
}

/**
 * Who made the archive, in the manifest's words (`org.apache.log4j`, `"Apache Software Foundation"`):
 * when the groupId stays unknown, this is what still points at a vendor (NVD CPE matching).
 * Bundle-Vendor is left out: rebuilders write their own name there (Debian's jars say `Debian.org`).
 */
export function manifestVendorHint(manifest: Map<string, string>): string | undefined {
  const said = [manifest.get('Bundle-SymbolicName')?.split(';')[0], manifest.get('Automatic-Module-Name'), manifest.get('Implementation-Vendor')];
  const hint = said
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
  return hint || undefined;
}
