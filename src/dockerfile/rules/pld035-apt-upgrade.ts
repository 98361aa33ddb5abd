import { aptCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

const UPGRADES = new Set(['upgrade', 'dist-upgrade', 'full-upgrade']);

export const aptUpgrade: DockerfileRule = {
  id: 'PLD035',
  title: 'apt-get upgrade in a Dockerfile',
  severity: 'LOW',
  rationale:
    'Upgrading every package inside the build makes the image differ from its base in ways nobody chose, duplicates much of the base layer, ' +
    'and can leave half-configured packages behind (services that expect a running init). Security fixes belong in a fresh base image.',
  fix: 'Rebuild on an updated base image (pull a newer tag or digest) and upgrade only the specific packages you must, with `apt-get install -y --only-upgrade PKG`.',
  check(context) {
    return context
      .commands((c) => aptCall(c))
      .filter(({ value }) => UPGRADES.has(value.sub))
      .map(({ instruction, value }) => ({ line: instruction.line, detail: `apt-get ${value.sub}` }));
  },
};
