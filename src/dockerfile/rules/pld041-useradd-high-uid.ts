import { hasOption } from '../commands.js';
import type { DockerfileRule } from '../rule.js';

/** The value of `-u N`, `-uN`, `--uid N` or `--uid=N`. */
function uidOf(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-u' || a === '--uid') return args[i + 1] ?? null;
    if (a.startsWith('--uid=')) return a.slice(6);
    if (/^-u\d+$/.test(a)) return a.slice(2);
  }
  return null;
}

export const useraddHighUid: DockerfileRule = {
  id: 'PLD041',
  title: 'useradd with a high UID and without -l',
  severity: 'LOW',
  rationale:
    'useradd records the new user in /var/log/lastlog and faillog, files indexed by UID. For a six-digit UID they become sparse files of tens of ' +
    'megabytes to gigabytes, which image layers store in full, so the image balloons for nothing.',
  fix: 'Pass `-l` (`--no-log-init`): `useradd -l -u 100000 app`.',
  check(context) {
    return context
      .commands((c) => {
        if (c.name !== 'useradd' || hasOption(c.args, 'l', '--no-log-init')) return null;
        const uid = uidOf(c.args);
        return uid !== null && /^\d{6,}$/.test(uid) ? uid : null;
      })
      .map(({ instruction, value }) => ({ line: instruction.line, detail: `UID ${value}` }));
  },
};
