// Start-up: `plimsoll --version` and `--help` against bare Node (`node -e 0`), run interleaved so
// both see the same load on a shared machine; the ratio is the figure to compare across machines.
// `npm run bench` calls startupBench(runs); each is run 10 × runs times.
import { CLI, median, table, timedNode, type TimedRun } from './util.js';

export function startupBench(runs: number): string {
  const commands: [string, string[]][] = [
    ['node -e 0', ['-e', '0']],
    ['plimsoll --version', [CLI, '--version']],
    ['plimsoll image --help', [CLI, 'image', '--help']],
  ];
  const results = commands.map((): TimedRun[] => []);
  for (let i = 0; i < runs * 10; i++) commands.forEach(([, args], c) => results[c]?.push(timedNode(args)));
  const node = median((results[0] ?? []).map((r) => r.ms));
  const rows = commands.map(([name], c) => {
    const ms = median((results[c] ?? []).map((r) => r.ms));
    return [name, `${ms.toFixed(0)} ms`, `${(ms / node).toFixed(2)}×`, `${Math.max(...(results[c] ?? []).map((r) => r.rssMb)).toFixed(0)} MB`];
  });
  return [
    `Median wall of ${runs * 10} interleaved runs; target: plimsoll --version under 150 ms.`,
    '',
    table(['command', 'wall', 'vs node -e 0', 'peak RSS'], rows),
  ].join('\n');
}
