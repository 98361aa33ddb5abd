// Secrets in files of every layer, not only the merged view: a key written in one layer and deleted in a
// later one is still in the image, so it is reported with the layer that holds it and the one that deleted it.
import { createHmac, randomBytes } from 'node:crypto';
import type { LayerEntry } from '../../image/layer-reader.js';
import type { Severity } from '../../model/finding.js';
import type { Check, CheckFinding } from '../check.js';
import { maskedEvidence } from '../mask.js';
import { SECRET_MAX_SIZE, isSecretCandidate } from '../requests.js';
import { isExamplePath } from '../secrets/examples.js';
import { SECRET_RULES, scanText, type RuleMatch } from '../secrets/index.js';
import type { LayerRef } from '../../model/layer.js';

function isBinary(body: Buffer): boolean {
  return body.subarray(0, 8192).includes(0);
}

/** A copy that does not share the file's text: V8 substrings keep their whole parent string alive. */
const own = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
const ownOptional = (s: string | undefined): string | undefined => (s === undefined ? undefined : own(s));

/** Text is scanned in windows of about this many bytes: a string this small dies young, where a megabyte one waits in large-object space for a full collection. */
const WINDOW = 64 * 1024;
/** Bytes two windows share, so a secret across the cut (a PEM block spans lines) is found whole in the next one. */
const OVERLAP = 8 * 1024;

/** A match where it was found: its line and its masked evidence. */
interface Found extends RuleMatch {
  line: number;
  evidence: string;
}

function newlines(body: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = body.indexOf(10, from); i >= 0 && i < to; i = body.indexOf(10, i + 1)) n++;
  return n;
}

/** `at`, moved back to the start of the UTF-8 character it falls in. */
function charStart(body: Buffer, at: number): number {
  while (at > 0 && at < body.length && ((body[at] as number) & 0xc0) === 0x80) at--;
  return at;
}

/**
 * Reads candidates one at a time: a spilled body comes back into one reused buffer, and becomes text
 * only when some rule can apply to it, a window at a time, so thousands of large candidates leave no
 * megabyte strings behind.
 */
class SecretScanner {
  private scratch: Buffer | undefined;

  /** The entry's secrets; what a match keeps is copied, so a finding holds a few bytes of its file, not its text. */
  scan(entry: LayerEntry): Found[] {
    if (!entry.body || !isSecretCandidate(entry) || isExamplePath(entry.path)) return [];
    const body = Buffer.isBuffer(entry.body) ? entry.body : entry.body.bytesInto((this.scratch ??= Buffer.allocUnsafe(SECRET_MAX_SIZE)));
    if (isBinary(body) || !SECRET_RULES.some((rule) => (rule.appliesTo ? rule.appliesTo(entry.path) : rule.keywords.some((k) => body.includes(k))))) return [];
    const found: Found[] = [];
    const seen = new Set<string>();
    let line = 1;
    for (let start = 0; start < body.length;) {
      // Cut after a line end past WINDOW, or inside a line far longer than WINDOW.
      const newline = body.indexOf(10, start + WINDOW);
      const lineEnd = newline < 0 ? body.length : newline + 1;
      const end = lineEnd - start <= 2 * WINDOW ? lineEnd : charStart(body, start + WINDOW);
      const text = body.toString('utf8', start, end);
      for (const m of scanText(text, entry.path)) {
        const at = start + Buffer.byteLength(text.slice(0, m.start));
        if (seen.has(`${at}\0${m.rule.id}`)) continue;
        seen.add(`${at}\0${m.rule.id}`);
        found.push({
          ...m,
          secret: own(m.secret),
          key: ownOptional(m.key),
          detail: ownOptional(m.detail),
          line: line + lineOf(text, m.start) - 1,
          evidence: evidence(m, text),
        });
      }
      if (end >= body.length) break;
      // The next window starts OVERLAP bytes back, at a line start when there is one.
      const lineStart = body.lastIndexOf(10, end - OVERLAP - 1) + 1;
      const next = lineStart > start ? lineStart : charStart(body, end - OVERLAP);
      line += newlines(body, start, next);
      start = next;
    }
    return found;
  }
}

/**
 * One secret found in one layer, as plain JSON a layer cache record can keep: where it is, what the
 * report shows of it (masked), and instead of the value a keyed hash of it, enough to tell the same
 * secret in another layer apart from a different one.
 */
export interface LayerSecret {
  path: string;
  rule: string;
  line: number;
  evidence: string;
  severity: Severity;
  detail?: string;
  /** HMAC-SHA256 of the secret under the key of the cache (or of the process): never the value or its plain hash. */
  hash: string;
}

/** The key of a scan without a layer cache: the hashes it makes are compared within the process only. */
let processKey: Buffer | undefined;
export function processSecretKey(): Buffer {
  return (processKey ??= randomBytes(32));
}

/** The secrets in one layer's captured candidate bodies, in entry order. */
function scanLayerSecrets(entries: Iterable<LayerEntry>, key: Buffer): LayerSecret[] {
  const scanner = new SecretScanner();
  const out: LayerSecret[] = [];
  for (const entry of entries) {
    for (const m of scanner.scan(entry)) {
      out.push({
        path: entry.path,
        rule: m.rule.id,
        line: m.line,
        evidence: m.evidence,
        severity: m.severity ?? m.rule.severity,
        ...(m.detail ? { detail: m.detail } : {}),
        hash: createHmac('sha256', key).update(m.secret, 'utf8').digest('hex'),
      });
    }
  }
  return out;
}

/** One layer's secrets, and which of the paths holding secrets in lower layers it writes again. */
export interface LayerSecrets {
  found: LayerSecret[];
  rewrites: string[];
}

/** What the cross-layer logic needs of a layer: its secrets, whether it writes a path again, what it deleted. */
interface SecretLayer {
  ref: LayerRef;
  secrets: readonly LayerSecret[];
  writes: (path: string) => boolean;
  whiteouts: readonly string[];
  opaqueDirs: readonly string[];
}

/**
 * Secrets layer by layer, bottom-up: each layer's (scanned from its captured bodies, or as a cache kept
 * them) and the paths holding secrets in lower layers that it writes again.
 */
export class LayerSecretsScanner {
  private readonly secretPaths = new Set<string>();

  constructor(private readonly key: Buffer) {}

  next(entries: Iterable<LayerEntry>, cached?: LayerSecret[]): LayerSecrets {
    const found = cached ?? scanLayerSecrets(entries, this.key);
    const rewrites: string[] = [];
    if (this.secretPaths.size > 0) for (const e of entries) if (this.secretPaths.has(e.path)) rewrites.push(e.path);
    for (const f of found) this.secretPaths.add(f.path);
    return { found, rewrites };
  }
}

const within = (path: string, dir: string): boolean => dir === '' || path === dir || path.startsWith(`${dir}/`);

/** The first later layer that removes the secret from `path`: a whiteout, an opaque parent, or a rewrite without it. */
function removedIn(layers: readonly SecretLayer[], from: number, found: LayerSecret): LayerRef | undefined {
  const { path } = found;
  for (const layer of layers.slice(from + 1)) {
    if (layer.writes(path)) {
      if (layer.secrets.some((s) => s.path === path && s.rule === found.rule && s.hash === found.hash)) continue;
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

const RULES = new Map(SECRET_RULES.map((r) => [r.id, r]));

/** The findings of every layer's secrets: one per path, rule and secret across layers, with the layer that removed it if one did. */
function secretFindings(layers: readonly SecretLayer[]): CheckFinding[] {
  const out: CheckFinding[] = [];
  /** path, rule and secret hash → the layer index it is gone from (Infinity: still there), so copies kept by later layers are one finding. */
  const reported = new Map<string, number>();
  layers.forEach((layer, i) => {
    for (const found of layer.secrets) {
      const rule = RULES.get(found.rule);
      if (!rule) continue;
      const key = `${found.path}\0${found.rule}\0${found.hash}`;
      if ((reported.get(key) ?? -1) > i) continue;
      const deletedIn = removedIn(layers, i, found);
      reported.set(key, deletedIn?.index ?? Infinity);
      const detail = found.detail ? ` (${found.detail})` : '';
      out.push({
        id: rule.id,
        kind: 'secret',
        severity: found.severity,
        title: deletedIn
          ? `${rule.title}${detail} in /${found.path}, deleted in layer ${deletedIn.index} but still in layer ${i}`
          : `${rule.title}${detail} in /${found.path}`,
        path: found.path,
        line: found.line,
        layer: layer.ref,
        ...(deletedIn ? { deletedIn } : {}),
        evidence: found.evidence,
        remediation: deletedIn
          ? `${rule.remediation} Deleting a file in a later layer does not remove it: every layer is shipped; rebuild so no layer ever holds it (multi-stage build or build secret).`
          : rule.remediation,
      });
    }
  });
  return out;
}

export const secretFilesCheck: Check = {
  id: 'PLM-SECRET',
  group: 'secret',
  run(ctx) {
    const perLayer = ctx.contents.perLayer;
    // Given by the inventory (scanned as each layer was read, or from the layer cache); else scanned here.
    const scanner = new LayerSecretsScanner(processSecretKey());
    const secrets = ctx.layerSecrets ?? perLayer.map((layer) => scanner.next(layer.entries));
    return secretFindings(
      perLayer.map((layer, i) => {
        const rewrites = new Set(secrets[i]?.rewrites);
        return {
          ref: layer.ref,
          secrets: secrets[i]?.found ?? [],
          writes: (path) => rewrites.has(path),
          whiteouts: layer.whiteouts,
          opaqueDirs: layer.opaqueDirs,
        };
      }),
    );
  },
};
