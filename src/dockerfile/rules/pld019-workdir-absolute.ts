import type { DockerfileRule } from '../rule.js';

export const workdirAbsolute: DockerfileRule = {
  id: 'PLD019',
  title: 'WORKDIR with a relative path',
  severity: 'LOW',
  rationale:
    'A relative WORKDIR is resolved against the previous one, which may come from the base image and change with it; the directory the ' +
    'instructions run in is then no longer visible in the Dockerfile.',
  fix: 'Use an absolute path: `WORKDIR /app`.',
  check({ dockerfile }) {
    return dockerfile.instructions
      .filter((i) => i.keyword === 'WORKDIR')
      .filter((i) => {
        const path = i.args.replace(/^["']|["']$/g, '');
        // `$VAR/…` is decided at build time; `C:\…` and `\…` are absolute on Windows.
        return path !== '' && !/^([/$\\]|[A-Za-z]:[\\/])/.test(path);
      })
      .map((i) => ({ line: i.line, detail: i.args }));
  },
};
