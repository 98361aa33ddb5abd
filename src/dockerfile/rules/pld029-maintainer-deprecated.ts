import type { DockerfileRule } from '../rule.js';

export const maintainerDeprecated: DockerfileRule = {
  id: 'PLD029',
  title: 'MAINTAINER is deprecated',
  severity: 'LOW',
  rationale:
    'MAINTAINER has been deprecated since Docker 1.13 and writes a field that tools no longer read. Labels are where image metadata lives, ' +
    'under names the OCI annotations define.',
  fix: 'Replace it with `LABEL org.opencontainers.image.authors="name <email>"`.',
  check({ dockerfile }) {
    return dockerfile.instructions.filter((i) => i.keyword === 'MAINTAINER').map((i) => ({ line: i.line }));
  },
};
