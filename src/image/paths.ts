/** An empty, `.` or `..` part, or a leading or trailing slash. */
const NEEDS_NORMALIZING = /^\/|\/\/|\/$|(^|\/)\.\.?(\/|$)/;

/**
 * Normalises a path from a tar header or link target to the image-relative
 * form: no leading slash, no `.` parts, `..` resolved lexically and clamped at
 * the root (so `../../etc/passwd` stays inside the image as `etc/passwd`, as
 * runtimes and umoci treat it). The root itself is ''.
 */
export function normalizeImagePath(name: string): string {
  // Most names are normal already (one per tar entry: worth the test).
  if (!NEEDS_NORMALIZING.test(name)) return name;
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a symlink target to the directory holding the link, inside the image root. */
export function resolveLinkTarget(linkDir: string, target: string): string {
  return normalizeImagePath(target.startsWith('/') ? target : `${linkDir}/${target}`);
}

const SLASH = 0x2f;

/**
 * The order of a walk of the merged view between two paths: parents before children, each
 * directory's names in UTF-8 byte order (as SQLite's BINARY collation sorts them). That is UTF-16
 * order except that surrogates (code points past U+FFFF) come last and `/` (a name's end) first.
 */
export function walkOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function codeUnitRank(unit: number): number {
  if (unit === SLASH) return -1;
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
