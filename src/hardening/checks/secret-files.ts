// Secrets in files of every layer, not only the merged view: a key written in one layer and deleted in a
// later one is still in the image, so it is reported with the layer that holds it and the one that deleted it.
import { bodyBytes } from '../../image/body-store.js';
import type { LayerContent, LayerEntry } from '../../image/layer-reader.js';
import type { Check, CheckFinding } from '../check.js';
import { maskedEvidence } from '../mask.js';
import { isSecretCandidate } from '../requests.js';
import { isExamplePath } from '../secrets/examples.js';
import { scanText, type RuleMatch } from '../secrets/index.js';
import type { LayerRef } from '../../model/layer.js';

function isBinary(body: Buffer): boolean {
  return body.subarray(0, 8192).includes(0);
}

/** A copy that does not share the file's text: V8 substrings keep their whole parent string alive. */
const own = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
const ownOptional = (s: string | undefined): string | undefined => (s === undefined ? undefined : own(s));

/**
 * The entry's secrets, with its text (read back from disk when its body was spilled); what a match
 * keeps is copied, so a finding holds a few bytes of its file, not the whole text.
 */
function scanEntry(entry: LayerEntry): { matches: RuleMatch[]; text: string } {
  const none = { matches: [], text: '' };
  if (!entry.body || !isSecretCandidate(entry) || isExamplePath(entry.path)) return none;
  const body = bodyBytes(entry.body);
  if (isBinary(body)) return none;
  const text = body.toString('utf8');
  const matches = scanText(text, entry.path).map((m) => ({ ...m, secret: own(m.secret), key: ownOptional(m.key), detail: ownOptional(m.detail) }));
  return { matches, text };
}

function find<T>(items: Iterable<T>, test: (item: T) => boolean): T | undefined {
  for (const item of items) if (test(item)) return item;
  return undefined;
}

const within = (path: string, dir: string): boolean => dir === '' || path === dir || path.startsWith(`${dir}/`);

/** The first later layer that removes the secret from `path`: a whiteout, an opaque parent, or a rewrite without it. */
function removedIn(layers: readonly LayerContent[], from: number, path: string, match: RuleMatch): LayerRef | undefined {
  for (const layer of layers.slice(from + 1)) {
    const rewrite = find(layer.entries, (e) => e.path === path);
    if (rewrite) {
      if (scanEntry(rewrite).matches.some((m) => m.rule === match.rule && m.secret === match.secret)) continue;
      return layer.ref;
    }
    if (layer.whiteouts.some((w) => within(path, w)) || layer.opaqueDirs.some((d) => within(path, d))) return layer.ref;
  }
  return undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function evidence(match: RuleMatch, text: string): string {
  if (match.rule.id === 'PLM-SECRET-PRIVATE-KEY') return own(`${text.slice(match.start, text.indexOf('-----', match.start + 11) + 5)} (body masked)`);
  return maskedEvidence(match.secret, match.key);
}

export const secretFilesCheck: Check = {
  id: 'PLM-SECRET',
  group: 'secret',
  run(ctx) {
    const layers = ctx.contents.perLayer;
    const out: CheckFinding[] = [];
    /** path, rule and secret → the layer index it is gone from (Infinity: still there), so copies kept by later layers are one finding. */
    const reported = new Map<string, number>();
    layers.forEach((layer, i) => {
      for (const entry of layer.entries) {
        const { matches, text } = scanEntry(entry);
        if (matches.length === 0) continue;
        for (const match of matches) {
          const key = `${entry.path}\0${match.rule.id}\0${match.secret}`;
          if ((reported.get(key) ?? -1) > i) continue;
          const deletedIn = removedIn(layers, i, entry.path, match);
          reported.set(key, deletedIn?.index ?? Infinity);
          const detail = match.detail ? ` (${match.detail})` : '';
          out.push({
            id: match.rule.id,
            kind: 'secret',
            severity: match.severity ?? match.rule.severity,
            title: deletedIn
              ? `${match.rule.title}${detail} in /${entry.path}, deleted in layer ${deletedIn.index} but still in layer ${i}`
              : `${match.rule.title}${detail} in /${entry.path}`,
            path: entry.path,
            line: lineOf(text, match.start),
            layer: layer.ref,
            ...(deletedIn ? { deletedIn } : {}),
            evidence: evidence(match, text),
            remediation: deletedIn
              ? `${match.rule.remediation} Deleting a file in a later layer does not remove it: every layer is shipped; rebuild so no layer ever holds it (multi-stage build or build secret).`
              : match.rule.remediation,
          });
        }
      }
    });
    return out;
  },
};
