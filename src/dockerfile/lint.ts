import { readFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../errors.js';
import type { Finding } from '../model/finding.js';
import { LintContext } from './context.js';
import { parseDockerfile } from './parse.js';
import { DOCKERFILE_RULES } from './rules/index.js';
import type { DockerfileRule } from './rule.js';
import { isSuppressed, readSuppressions } from './suppression.js';
import { compareStrings } from '../versions/scheme.js';

export interface DockerfileLintOptions {
  /** Run only these rule ids. */
  only?: string[];
  /** Never run these rule ids. */
  skip?: string[];
  /** Run only the rules that apply to image history (`onHistory`). */
  history?: boolean;
  /** Path reported in each finding. */
  path?: string;
}

function checkIds(ids: string[] | undefined, option: string): Set<string> | undefined {
  if (!ids) return undefined;
  const set = new Set(ids.map((id) => id.trim().toUpperCase()));
  for (const id of set) {
    if (!DOCKERFILE_RULES.some((r) => r.id === id)) throw new InputError(`${option}: unknown Dockerfile rule id '${id}'`);
  }
  return set;
}

/** The rules `only` / `skip` select; an unknown id is a usage error rather than a silent no-op. */
export function selectRules(options: Pick<DockerfileLintOptions, 'only' | 'skip' | 'history'> = {}): DockerfileRule[] {
  const only = checkIds(options.only, 'only');
  const skip = checkIds(options.skip, 'skip');
  return DOCKERFILE_RULES.filter((r) => (!only || only.has(r.id)) && !skip?.has(r.id) && (!options.history || r.onHistory === true));
}

/** Lints Dockerfile text; findings are sorted by line then rule id. Never throws for any text. */
export function lintDockerfile(text: string, options: DockerfileLintOptions = {}): Finding[] {
  const rules = selectRules(options);
  // Docker ignores a UTF-8 byte-order mark; the parser would take it as part of the first keyword.
  const dockerfile = parseDockerfile(text.replace(/^\uFEFF/, ''));
  const context = new LintContext(dockerfile);
  const suppressions = readSuppressions(dockerfile);
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const hit of rule.check(context)) {
      if (isSuppressed(suppressions, rule.id, hit.line)) continue;
      findings.push({
        id: rule.id,
        kind: 'dockerfile',
        severity: rule.severity,
        title: hit.detail ? `${rule.title}: ${hit.detail}` : rule.title,
        ...(options.path !== undefined ? { path: options.path } : {}),
        line: hit.line,
        ...(hit.evidence !== undefined ? { evidence: hit.evidence } : {}),
        remediation: rule.fix,
      });
    }
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || compareStrings(a.id, b.id));
}

/** Reads and lints a Dockerfile (what `plimsoll dockerfile PATH` runs). */
export async function lintDockerfileFile(path: string, options: Omit<DockerfileLintOptions, 'path'> = {}): Promise<{ findings: Finding[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read Dockerfile (${code ?? errorMessage(err)})`);
  }
  if (bytes.includes(0)) throw new InputError(`${path}: not a Dockerfile (binary data)`);
  return { findings: lintDockerfile(bytes.toString('utf8'), { ...options, path }) };
}
