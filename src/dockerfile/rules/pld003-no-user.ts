import type { DockerfileRule } from '../rule.js';

export const noUser: DockerfileRule = {
  id: 'PLD003',
  title: 'The final stage never sets a USER',
  severity: 'MEDIUM',
  rationale:
    'Without a USER instruction the container runs as whatever user the base image set, which for almost every distribution and for scratch is root. ' +
    'Stating the user in the Dockerfile makes the choice visible and keeps it when the base image changes.',
  fix: 'Create an unprivileged user and end the final stage with `USER name` or `USER uid:gid` (distroless images offer a `:nonroot` variant with uid 65532).',
  check(context) {
    const final = context.finalStage;
    if (!final) return [];
    if (context.shippedStages.some((s) => s.instructions.some((i) => i.keyword === 'USER'))) return [];
    // Images published as non-root by name (distroless `:nonroot`, `-nonroot` tags) already set one.
    if (context.shippedStages.some((s) => /nonroot/i.test(s.image))) return [];
    return [{ line: final.from.line }];
  },
};
