import { aptCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

const USES_LISTS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source', 'download']);

export const aptUpdateAlone: DockerfileRule = {
  id: 'PLD007',
  title: 'apt-get update alone in its RUN',
  severity: 'MEDIUM',
  rationale:
    'The build cache keys a RUN by its text. A lone `RUN apt-get update` is cached once and reused for months, so a later `RUN apt-get install` ' +
    'changed today installs from stale indexes: old package versions with known vulnerabilities, or 404 errors when the mirror has moved on.',
  fix: 'Update and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends PKG && rm -rf /var/lib/apt/lists/*`.',
  check(context) {
    return context
      .runs()
      .filter(({ script }) => {
        const calls = script.commands.map((c) => aptCall(c)?.sub);
        return calls.includes('update') && !calls.some((sub) => sub !== undefined && USES_LISTS.has(sub));
      })
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
