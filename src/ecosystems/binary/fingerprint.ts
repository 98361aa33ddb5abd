// Applies the binary classifiers (classifiers.ts) to one file: the name picks the classifier, then
// its anchors are searched in the bytes with Buffer.indexOf and only a small window at each hit is
// decoded and matched, so a large library is never turned into one huge string.
import type { FileInfo } from '../../image/files.js';
import { CLASSIFIERS, type Classifier } from './classifiers.js';

/** What a classifier read from a file, with the classifier's identity for it. */
export interface Fingerprint extends Pick<Classifier, 'name' | 'cpe' | 'identity'> {
  version: string;
  /** The bytes that state the version, as text. */
  evidence: string;
}

/** How far past an anchor a pattern may read. */
const WINDOW = 256;
/** Anchors seen more often than this in one file are not the version's (a bound on the work per file). */
const MAX_HITS = 20_000;

/** Every classifier's file pattern in one: asked of every file of every layer, so one test rules out nearly all. */
const ANY_CLASSIFIER = new RegExp(CLASSIFIERS.map((c) => `(?:${c.files.source})`).join('|'));

/** The classifier for a path, with the groups its file pattern captured. */
function classifierFor(path: string): { classifier: Classifier; groups: RegExpExecArray } | undefined {
  // The directory is cut out of the path only for a name some classifier knows (few are).
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!ANY_CLASSIFIER.test(base)) return undefined;
  const dir = slash < 0 ? '' : path.slice(0, slash);
  for (const classifier of CLASSIFIERS) {
    const groups = classifier.files.exec(base);
    if (groups && (!classifier.dir || classifier.dir.test(dir))) return { classifier, groups };
  }
  return undefined;
}

/** Whether a file may be fingerprinted: a regular file whose name a classifier knows. */
export function fingerprintWanted(info: FileInfo): boolean {
  return info.type === 'file' && classifierFor(info.path) !== undefined;
}

/** The classifier's version read from the body; undefined when its name is unknown or no evidence matches. */
export function fingerprint(path: string, body: Buffer): Fingerprint | undefined {
  const found = classifierFor(path);
  if (!found) return undefined;
  const { classifier, groups } = found;
  for (const { anchor, pattern, before = 0 } of classifier.evidence) {
    const needle = Buffer.from(anchor.replace('$1', groups[1] ?? ''), 'latin1');
    let hits = 0;
    for (let at = body.indexOf(needle); at >= 0 && hits < MAX_HITS; at = body.indexOf(needle, at + 1), hits++) {
      const start = Math.max(0, at - before);
      const window = body.toString('latin1', start, Math.min(body.length, at + needle.length + WINDOW));
      const m = pattern.exec(window);
      if (!m?.[1]) continue;
      const { name, cpe, identity } = classifier;
      return { name, cpe, ...(identity ? { identity } : {}), version: m[1], evidence: m[0].replace(/[^\x20-\x7e]/g, ' ').trim() };
    }
  }
  return undefined;
}
