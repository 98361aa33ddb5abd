import { copyOperands, isUrl } from '../copy-sources.js';
import type { DockerfileRule } from '../rule.js';

/** Local tar archives ADD unpacks, the one thing COPY cannot do. */
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst))$/i;

export const copyNotAdd: DockerfileRule = {
  id: 'PLD014',
  title: 'ADD used for local files',
  severity: 'LOW',
  rationale:
    'ADD does more than copy: it fetches URLs and unpacks any local archive it recognises, so `ADD file dest` may do something other than what it reads as ' +
    '(a file that happens to be a tarball is extracted). COPY does only the copy, which makes the Dockerfile say exactly what happens.',
  fix: 'Use `COPY src dest` for local files and directories; keep ADD for the cases that need it (extracting a local tar archive).',
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'ADD')
      .filter((i) => copyOperands(i).sources.some((s) => !isUrl(s) && !ARCHIVE.test(s) && !s.includes('$')))
      .map((i) => ({ line: i.line }));
  },
};
