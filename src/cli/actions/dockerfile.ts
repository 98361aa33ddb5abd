import { DOCKERFILE_RULES } from '../../dockerfile/index.js';
import { findingFailures, parseSeverity } from '../../policy/fail-on.js';
import { reporter } from '../../report/registry.js';
import type { DockerfileOptions } from '../commands/dockerfile.js';
import { lintTarget } from '../dockerfiles.js';
import { writeOutput } from '../output.js';

const list = (text: string | undefined): string[] | undefined =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `plimsoll dockerfile`: lint, or list the rules. */
export async function runDockerfile(path: string, opts: DockerfileOptions): Promise<void> {
  if (opts.listRules) {
    const rules = DOCKERFILE_RULES.map(({ id, title, severity, rationale, fix }) => ({ id, title, severity, rationale, fix }));
    await writeOutput(
      opts.format === 'json'
        ? `${JSON.stringify(rules, null, 2)}\n`
        : rules.map((r) => `${r.id}  ${r.severity.padEnd(8)}  ${r.title}\n    ${r.rationale}\n    Fix: ${r.fix}\n`).join('\n'),
      opts.output,
    );
    return;
  }
  const threshold = opts.failOn ? parseSeverity(opts.failOn, '--fail-on') : undefined;
  const findings = await lintTarget(path, { ...(opts.only ? { only: list(opts.only) } : {}), ...(opts.skip ? { skip: list(opts.skip) } : {}) });
  await writeOutput(await reporter(opts.format).render({ subject: 'dockerfile', findings, path }, {}), opts.output);
  if (findingFailures(findings, threshold).length > 0) process.exitCode = 1;
}
