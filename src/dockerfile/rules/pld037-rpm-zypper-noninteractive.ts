import { hasOption, rpmManagerCall, zypperCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

const CHANGES = new Set(['install', 'in', 'update', 'up', 'upgrade', 'groupinstall', 'remove', 'rm', 'erase', 'reinstall', 'dist-upgrade', 'dup', 'patch']);

export const rpmZypperNonInteractive: DockerfileRule = {
  id: 'PLD037',
  title: 'yum/dnf/zypper run without their non-interactive flag',
  severity: 'MEDIUM',
  rationale:
    'yum, dnf and zypper ask for confirmation before changing packages. A build has nobody to answer, so the command fails or aborts ' +
    'depending on the packages involved, and the build breaks without any change to the Dockerfile.',
  fix: 'Use `yum install -y` / `dnf install -y`, and `zypper --non-interactive install` (or `zypper install -y`).',
  check(context) {
    return context
      .commands((c) => {
        const rpm = rpmManagerCall(c);
        // microdnf never prompts.
        if (rpm && c.name !== 'microdnf') return CHANGES.has(rpm.sub) && !hasOption(rpm.args, 'y', '--assumeyes') ? c.name : null;
        const zypper = zypperCall(c);
        if (zypper) return CHANGES.has(zypper.sub) && !hasOption(zypper.args, null, '-n', '--non-interactive', '-y', '--no-confirm') ? c.name : null;
        return null;
      })
      .map(({ instruction, value }) => ({ line: instruction.line, detail: value }));
  },
};
