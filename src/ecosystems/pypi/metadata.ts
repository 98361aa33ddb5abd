// Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and the single-file `*.egg-info`.

/** Core metadata (RFC 822 style headers, up to the first blank line): the fields an inventory needs. */
export interface CoreMetadata {
  name?: string;
  version?: string;
  licenses: string[];
}

export function parseCoreMetadata(text: string): CoreMetadata {
  const headers = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && last) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).toLowerCase();
    headers.set(last, [...(headers.get(last) ?? []), line.slice(colon + 1).trim()]);
  }
  const one = (key: string): string | undefined => headers.get(key)?.[0] || undefined;
  const expression = one('license-expression');
  const license = one('license');
  const classifiers = (headers.get('classifier') ?? []).filter((c) => c.startsWith('License :: ')).map((c) => c.split(' :: ').at(-1) ?? '');
  // Some projects put a whole licence text in `License`: the classifiers name it better then.
  const licenses = expression ? [expression] : license && license !== 'UNKNOWN' && license.length <= 80 ? [license] : classifiers;
  return { name: one('name'), version: one('version'), licenses };
}

const SITE_DIRS = ['/site-packages/', '/dist-packages/'];

/** A metadata file in a site-packages or dist-packages directory (at any depth: venvs, /usr/lib, /opt). */
export function isInstalledMetadata(path: string): boolean {
  if (!(path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info'))) return false;
  return SITE_DIRS.some((d) => path.includes(d) || path.startsWith(d.slice(1)));
}

/** The `.dist-info` / `.egg-info` directory or file the truth and importlib name a distribution by. */
export function distributionPath(path: string): string {
  return path.endsWith('.egg-info') ? path : path.slice(0, path.lastIndexOf('/'));
}
