import { copyOperands } from '../copy-sources.js';
import type { DockerfileRule } from '../rule.js';

export const addUrlChecksum: DockerfileRule = {
  id: 'PLD040',
  title: 'ADD of a URL without --checksum',
  severity: 'MEDIUM',
  rationale:
    '`ADD https://…` downloads at build time and trusts whatever arrives: a compromised server, a moved release or a man-in-the-middle on a plain ' +
    'http URL changes the image without any change to the Dockerfile, and the build cache may also keep serving an old download.',
  fix: 'Add `--checksum=sha256:…` (Dockerfile syntax 1.6+), or download with curl in a RUN and verify the file with `sha256sum -c` before using it.',
  onHistory: true,
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'ADD' && !i.flags.has('checksum'))
      .filter((i) => copyOperands(i).sources.some((s) => /^https?:\/\//i.test(s)))
      .map((i) => ({ line: i.line }));
  },
};
