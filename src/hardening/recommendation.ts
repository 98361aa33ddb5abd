// The base-image advice, in the issue's order: scratch or distroless when the application allows
// (a static binary needs nothing), otherwise a minimal distribution; always naming the concrete reason.
import type { ImageConfigFile } from '../image/types.js';
import type { AttackSurface } from './attack-surface.js';
import type { BaseIdentity } from './base-image.js';
import { entryCommand, type EntryBinary } from './entry-binary.js';
import type { OsInfo } from '../model/os.js';

/** The distroless image for the runtime the entry command needs, when the command says. */
function runtimeImage(config: ImageConfigFile): { image: string; runtime: string } | undefined {
  const name = entryCommand(config)?.split('/').pop() ?? '';
  if (/^python3?(?:\.\d+)?$/.test(name)) return { image: 'gcr.io/distroless/python3', runtime: 'Python' };
  if (/^node(?:js)?$/.test(name)) return { image: 'gcr.io/distroless/nodejs', runtime: 'Node.js' };
  if (name === 'java') return { image: 'gcr.io/distroless/java', runtime: 'Java' };
  return undefined;
}

function minimalDistribution(base: BaseIdentity, os: OsInfo | undefined): string | undefined {
  switch (base.kind) {
    case 'debian':
      return `debian:${os?.codename ?? '<release>'}-slim, or Alpine / Wolfi`;
    case 'ubuntu':
      return 'debian:<release>-slim, Alpine or Wolfi';
    case 'ubi':
      return 'ubi-minimal or ubi-micro';
    default:
      return undefined;
  }
}

function what(surface: AttackSurface): string {
  const parts: string[] = [];
  if (surface.shells.length > 0) parts.push(`the shell (${surface.shells.join(', ')})`);
  if (surface.packageManagers.length > 0) parts.push(`the package manager (${surface.packageManagers.join(', ')})`);
  const present = parts.length > 0 ? `${parts.join(' and ')} ${parts.length > 1 ? 'are' : 'is'} present` : 'no shell or package manager';
  const extra = [`${surface.osPackages} OS packages`];
  if (surface.setuidFiles > 0) extra.push(`${surface.setuidFiles} setuid files`);
  return `${present}; ${extra.join(', ')}`;
}

function binaryText(entry: EntryBinary): string {
  return `/${entry.path} is a static${entry.language ? ` ${entry.language === 'go' ? 'Go' : 'Rust'}` : ''} binary`;
}

export function recommend(base: BaseIdentity, surface: AttackSurface, entry: EntryBinary | undefined, config: ImageConfigFile, os?: OsInfo): string {
  const eol = surface.eol ? ` ${base.name} is end-of-life${surface.eolDate ? ` since ${surface.eolDate}` : ''}: move to a supported release first.` : '';
  if (base.kind === 'scratch') {
    if (entry?.static === false)
      return `scratch holds /${entry.path}, which is dynamically linked: it needs its libraries; use gcr.io/distroless/base (glibc) or cc.`;
    return entry?.static ? `Keep scratch: ${binaryText(entry)} and needs nothing else.` : 'Keep scratch: nothing besides the application is in the image.';
  }
  if (base.kind === 'distroless') {
    if (entry?.static && base.variant !== 'static')
      return `Use gcr.io/distroless/static or scratch: ${binaryText(entry)}, so the C libraries of distroless ${base.variant} are not needed.`;
    return `Keep distroless ${base.variant ?? ''}: ${what(surface)}.`.replace(' :', ':');
  }
  if (entry?.static) return `Use scratch or gcr.io/distroless/static: ${binaryText(entry)}; ${what(surface)}, none of which it needs.${eol}`;
  const runtime = runtimeImage(config);
  const distroless = runtime
    ? `Use ${runtime.image} if the application allows (it needs the ${runtime.runtime} runtime only)`
    : 'Use a distroless image (gcr.io/distroless/static, base or cc, whichever the application needs) or scratch for a static binary, if the application allows';
  const minimal = minimalDistribution(base, os);
  const fallback = minimal
    ? `; otherwise a minimal distribution (${minimal})`
    : base.kind === 'alpine' ||
        base.kind === 'wolfi' ||
        base.kind === 'chainguard' ||
        base.kind === 'debian-slim' ||
        base.kind === 'ubi-minimal' ||
        base.kind === 'ubi-micro'
      ? `; ${base.name} is already a minimal distribution`
      : '';
  return `${distroless}${fallback}. Reason: ${what(surface)}.${eol}`;
}
