// The ignore file: vulnerabilities the user has accepted. Two forms, chosen by the file name:
//
// `.plimsollignore` (any name not ending in .yaml/.yml): one entry per line,
//   CVE-2020-8203                                  # everywhere
//   CVE-2020-8203 pkg:lodash exp:2026-12-31        # only in package lodash, until that date
//   GHSA-p6mc-m468-83gw pkg:pkg:npm/lodash        # a purl scope (version optional)
// `#` starts a comment; blank lines are skipped.
//
// YAML (`*.yaml`, `*.yml`), for entries that carry a reason:
//   vulnerabilities:
//     - id: CVE-2020-8203
//       package: lodash          # optional: a package name or purl
//       expires: 2026-12-31      # optional
//       reason: not reachable: we never call _.zipObjectDeep
//
// An entry matches a finding whose id or any alias is its id. Once its expiry date has passed
// it no longer applies, and the policy warns so the decision is looked at again.
import { readFileSync } from 'node:fs';
import { yaml } from '../lazy-require.js';
import { InputError, errorMessage } from '../errors.js';

export interface IgnoreRule {
  id: string;
  /** A package name or purl the rule is limited to. */
  package?: string;
  /** Last day (YYYY-MM-DD, UTC) on which the rule applies. */
  expires?: string;
  reason?: string;
  /** `FILE:LINE` or `FILE: entry N`, for messages. */
  origin: string;
}

export const DEFAULT_IGNORE_FILE = '.plimsollignore';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkedDate(text: string, origin: string): string {
  if (!DATE.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) throw new InputError(`${origin}: invalid expiry date '${text}' (expected YYYY-MM-DD)`);
  return text;
}

function parseLines(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const origin = `${file}:${index + 1}`;
    const [id = '', ...rest] = line.split(/\s+/);
    const rule: IgnoreRule = { id, origin };
    for (const token of rest) {
      if (token.startsWith('exp:')) rule.expires = checkedDate(token.slice(4), origin);
      else if (token.startsWith('pkg:') && token.length > 4) rule.package = token.slice(4);
      else throw new InputError(`${origin}: unexpected '${token}' (expected 'pkg:NAME_OR_PURL' or 'exp:YYYY-MM-DD')`);
    }
    rules.push(rule);
  });
  return rules;
}

function parseYamlRules(text: string, file: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = yaml().parse(text, { schema: 'core' });
  } catch (err) {
    throw new InputError(`${file}: not valid YAML (${errorMessage(err).split('\n')[0]})`);
  }
  const list = (doc as { vulnerabilities?: unknown } | null)?.vulnerabilities;
  if (!Array.isArray(list)) throw new InputError(`${file}: expected a 'vulnerabilities' list`);
  return list.map((item: unknown, index) => {
    const origin = `${file}: entry ${index + 1}`;
    const entry = item as Record<string, unknown> | null;
    if (typeof entry?.id !== 'string' || !entry.id.trim()) throw new InputError(`${origin}: 'id' missing`);
    const rule: IgnoreRule = { id: entry.id.trim(), origin };
    if (entry.package !== undefined) rule.package = String(entry.package);
    if (entry.expires !== undefined) rule.expires = checkedDate(String(entry.expires), origin);
    if (entry.reason !== undefined) rule.reason = String(entry.reason);
    return rule;
  });
}

/** Parses ignore-file text; the form is chosen by the file name. */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  return /\.ya?ml$/i.test(file) ? parseYamlRules(text, file) : parseLines(text, file);
}

/**
 * Reads `--ignore-file FILE`, or `.plimsollignore` in the working directory when none is given
 * (a missing default file means no rules; a missing named file is an error).
 */
export function readIgnoreFile(file?: string, cwd = process.cwd()): IgnoreRule[] {
  const path = file ?? `${cwd}/${DEFAULT_IGNORE_FILE}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (file === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`${path}: cannot read ignore file (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  return parseIgnoreFile(text, file ?? DEFAULT_IGNORE_FILE);
}
