// Every corpus image through the CLI: within 30 s, exit 0 with a result (and warnings) or exit 2 with
// one line, never 3, and peak RSS at most 150 MB.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { needTestbed } from '../helpers/testbed.js';
import { buildCorpus } from './corpus.js';

const ROOT = join(import.meta.dirname, '../..');
// The built CLI (what users run; tsx's compiler costs memory the product does not use): npm test builds
// it first (pretest); run `npm run build` before running this file alone.
const BUILT = join(ROOT, 'dist/cli.js');
const MAX_RSS_MB = 150;

describe(
  'adversarial corpus through the CLI',
  {
    skip:
      needTestbed() ??
      (existsSync('/usr/bin/time') ? undefined : '/usr/bin/time not installed (apt-get install time)') ??
      (existsSync(BUILT) ? undefined : 'dist/cli.js not built (npm run build)'),
  },
  () => {
    for (const c of needTestbed() ? [] : buildCorpus()) {
      it(c.name, () => {
        // No layer cache: a case whose config names a layer cached from another image would not be read at all.
        const r = spawnSync(
          '/usr/bin/time',
          ['-f', 'peak-rss-kb %M', process.execPath, BUILT, c.command ?? 'sbom', c.ref, '--format', 'json', '--quiet', '--no-cache', ...(c.args ?? [])],
          {
            encoding: 'utf8',
            timeout: 30_000,
            maxBuffer: 1 << 28,
            env: { ...process.env, CI: 'true' },
          },
        );
        assert.equal(r.error, undefined, `finished within 30 s (${String(r.error)})`);
        const lines = r.stderr.trimEnd().split('\n');
        const rss = Number(/^peak-rss-kb (\d+)$/.exec(lines.pop() ?? '')?.[1]);
        const stderr = lines.filter((l) => !l.startsWith('Command exited with'));
        const maxKb = MAX_RSS_MB * 1024;
        assert.ok(rss <= maxKb, `peak RSS ${rss} kB <= ${maxKb} kB`);
        assert.equal(r.status, c.expect.exit, `exit ${c.expect.exit} (stderr: ${stderr.join('\n')})`);
        if (c.expect.exit === 2) {
          assert.equal(stderr.length, 1, `one line: ${stderr.join('\n')}`);
          if (c.expect.message) assert.match(stderr[0] as string, c.expect.message);
          return;
        }
        const report = JSON.parse(r.stdout) as { packages: { name: string; version: string; type: string }[]; warnings: { message: string }[] };
        const have = new Set(report.packages.map((p) => `${p.name}@${p.version}`));
        for (const p of c.expect.packages ?? []) assert.ok(have.has(p), `lists ${p}`);
        if (c.expect.packageCount !== undefined) assert.equal(report.packages.length, c.expect.packageCount, 'package count');
        const ofType = c.expect.ofType;
        if (ofType) assert.equal(report.packages.filter((p) => p.type === ofType.type).length, ofType.count, `${ofType.type} packages`);
        if (c.expect.message)
          assert.ok(
            report.warnings.some((w) => c.expect.message?.test(w.message)),
            `a warning matches ${c.expect.message}: ${JSON.stringify(report.warnings)}`,
          );
      });
    }
  },
);
