// `--skip-dirs` and `--skip-files`, as Trivy takes them: globs on image paths (`*` and `?` within
// one path segment, `**` across any number), with or without a leading slash. A skipped directory
// takes everything under it; the predicate is what the layer reader drops entries by.
import { InputError } from './errors.js';

export interface SkipPaths {
  dirs?: readonly string[];
  files?: readonly string[];
}

function globRegExp(glob: string, flag: string): RegExp {
  const pattern = glob
    .trim()
    .replace(/^(\.?\/)+/, '')
    .replace(/\/+$/, '');
  if (pattern === '') throw new InputError(`${flag}: empty pattern in '${glob}'`);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` also matches no directory at all, so `**/node_modules` catches a top-level one.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A predicate on normalised image paths (`usr/share/doc/x`), or undefined when nothing is skipped. */
export function pathSkipper(skip: SkipPaths): ((path: string) => boolean) | undefined {
  const dirs = (skip.dirs ?? []).map((g) => globRegExp(g, '--skip-dirs'));
  const files = (skip.files ?? []).map((g) => globRegExp(g, '--skip-files'));
  if (dirs.length === 0 && files.length === 0) return undefined;
  return (path) => {
    if (files.some((re) => re.test(path))) return true;
    if (dirs.length === 0) return false;
    // The path itself, or any directory above it.
    for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
      const prefix = path.slice(0, end);
      if (dirs.some((re) => re.test(prefix))) return true;
    }
    return false;
  };
}
