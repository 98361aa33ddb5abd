import type { DockerfileRule } from '../rule.js';

const ROOT_USERS = new Set(['root', '0', 'containeradministrator']);

export const rootUserLast: DockerfileRule = {
  id: 'PLD002',
  title: 'The last USER of the final stage is root',
  severity: 'HIGH',
  rationale:
    'The last USER decides who the container runs as. Running as root turns any bug in the application into root inside the container, ' +
    'and root in a container is one kernel or runtime flaw away from root on the host; it also lets an attacker modify every file of the image at run time.',
  fix: 'End the final stage with a non-root user, e.g. `RUN useradd -r -u 10001 app` then `USER 10001:10001`; switch to root only for the steps that need it, before that.',
  check(context) {
    const users = context.shippedStages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'USER');
    const last = users.sort((a, b) => a.line - b.line).at(-1);
    const user = last?.words[0]?.split(':')[0]?.toLowerCase();
    return last && user !== undefined && ROOT_USERS.has(user) ? [{ line: last.line }] : [];
  },
};
