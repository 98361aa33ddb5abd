// Runs as root: no USER, or a USER that is uid 0 (by number, or by name through etc/passwd).
import type { ImageFilesystem } from '../../image/files.js';
import type { Check } from '../check.js';

/** The uid of a USER value (`name`, `uid`, `name:group`), or undefined when the name is not in etc/passwd. */
export function userId(user: string, fs: ImageFilesystem): number | undefined {
  const name = user.split(':')[0] as string;
  // `root` is uid 0 even where no etc/passwd says so (scratch).
  if (name === '' || name === 'root') return 0;
  if (/^\d+$/.test(name)) return Number(name);
  const passwd = fs.read('etc/passwd')?.body.toString('utf8') ?? '';
  const line = passwd.split('\n').find((l) => l.split(':')[0] === name);
  const uid = line?.split(':')[2];
  return uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined;
}

export const rootUserCheck: Check = {
  id: 'PLM-ROOT-USER',
  group: 'config',
  run(ctx) {
    const user = (ctx.image.config.config?.User ?? '').trim();
    if (userId(user, ctx.contents.fs) !== 0) return [];
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
