// Runs as root: no USER, or a USER that is uid 0 (by number, or by name through etc/passwd).
import type { FileFact, ImageFacts } from '../../inventory/facts.js';
import type { Check } from '../check.js';

const PASSWD = 'etc/passwd';

/** etc/passwd's users: each name's uid from its first line (null when that is not a number). */
export const passwdUsers: FileFact<Record<string, number | null>> = {
  name: 'passwd-users',
  version: 1,
  wants: (info) => info.path === PASSWD,
  names: [PASSWD],
  maxFileSize: 64 * 1024,
  extract(file) {
    const users = new Map<string, number | null>();
    for (const line of file.body.toString('utf8').split('\n')) {
      const [name = '', , uid] = line.split(':');
      if (!users.has(name)) users.set(name, uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : null);
    }
    return Object.fromEntries(users);
  },
};

/** The uid of a USER value (`name`, `uid`, `name:group`), or undefined when the name is not in etc/passwd. */
export function userId(user: string, facts: ImageFacts): number | undefined {
  const name = user.split(':')[0] as string;
  // `root` is uid 0 even where no etc/passwd says so (scratch).
  if (name === '' || name === 'root') return 0;
  if (/^\d+$/.test(name)) return Number(name);
  const users = facts.of(passwdUsers, PASSWD);
  return users && Object.hasOwn(users, name) ? (users[name] ?? undefined) : undefined;
}

export const rootUserCheck: Check = {
  id: 'PLM-ROOT-USER',
  group: 'config',
  run(ctx) {
    const user = (ctx.image.config.config?.User ?? '').trim();
    if (userId(user, ctx.facts) !== 0) return [];
    const step = ctx.history.findLast((s) => s.instruction === 'USER');
    return [
      {
        id: this.id,
        kind: 'config',
        severity: 'HIGH',
        title: user === '' ? 'Runs as root (no USER)' : `Runs as root (USER ${user})`,
        evidence: `User=${user === '' ? '(unset)' : user}`,
        ...(user !== '' && step ? { historyIndex: step.index } : {}),
        remediation:
          'Add a non-root user and end the Dockerfile with `USER <uid>` (e.g. `USER 65532:65532`); a container escape from root is host root when user namespaces are off.',
      },
    ];
  },
};
