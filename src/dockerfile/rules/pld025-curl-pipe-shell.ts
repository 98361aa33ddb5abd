import type { DockerfileRule } from '../rule.js';
import type { ShellCommand } from '../shell.js';

const FETCH = /^(curl|wget)$/;
const SHELL = /^(ba|da|z|k|a)?sh$/;
/** `sh -c "$(curl …)"`, `bash <(curl …)`, `. <(wget …)`. */
const SUBSTITUTED = /(\$\(|<\(|`)\s*(curl|wget)\b/;

function runsFetched(pipeline: ShellCommand[]): boolean {
  const fetch = pipeline.findIndex((c) => FETCH.test(c.name));
  return fetch >= 0 && pipeline.slice(fetch + 1).some((c) => SHELL.test(c.name));
}

export const curlPipeShell: DockerfileRule = {
  id: 'PLD025',
  title: 'Script downloaded and piped to a shell',
  severity: 'HIGH',
  rationale:
    '`curl … | sh` runs whatever the server returns at build time, unverified: a compromised or hijacked download site, a redirect, or a truncated ' +
    'transfer executes arbitrary code as root in the build, and nothing records what actually ran.',
  fix: 'Download to a file, verify it against a pinned checksum or signature (`echo "SHA256  file" | sha256sum -c -`), then run it; better, install a packaged release.',
  onHistory: true,
  check(context) {
    return context
      .runs()
      .filter(({ script }) => script.pipelines.some(runsFetched) || script.commands.some((c) => SHELL.test(c.name) && c.args.some((a) => SUBSTITUTED.test(a))))
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
