import { rpmManagerCall } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import type { DockerfileRule } from '../rule.js';

const DOWNLOADS = new Set(['install', 'update', 'upgrade', 'groupinstall', 'reinstall', 'makecache', 'distro-sync']);

export const rpmCacheClean: DockerfileRule = {
  id: 'PLD036',
  title: 'yum/dnf cache not cleaned in the same RUN',
  severity: 'LOW',
  rationale:
    'yum, dnf and microdnf keep repository metadata and downloaded RPMs under /var/cache/yum or /var/cache/dnf, easily hundreds of megabytes. ' +
    'Unless the same RUN removes them they are part of the layer for good.',
  fix: 'End the RUN with `&& yum clean all` / `&& dnf clean all` / `&& microdnf clean all` (plus `rm -rf /var/cache/yum /var/cache/dnf`).',
  check(context) {
    return context
      .runs(context.shippedStages)
      .filter(({ instruction, script }) => {
        const calls = script.commands.map((c) => rpmManagerCall(c)).filter((c) => c !== null);
        return (
          calls.some((c) => DOWNLOADS.has(c.sub)) &&
          !calls.some((c) => c.sub === 'clean' && c.operands.includes('all')) &&
          !removesPath(script, '/var/cache/yum', '/var/cache/dnf') &&
          !cacheMounted(instruction, '/var/cache/yum') &&
          !cacheMounted(instruction, '/var/cache/dnf')
        );
      })
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
