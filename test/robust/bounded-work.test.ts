// Small inputs must not cost large CPU: budgets per scan, not per file; memoised symlink resolution;
// databases read a window at a time; SQLite queries that cannot run away.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openImage } from '../../src/image/open.js';
import { DEFAULT_JAVA_LIMITS, javaBudget, readJavaArchive } from '../../src/ecosystems/maven/java-archive.js';
import { dpkgAnalyzer } from '../../src/ecosystems/deb/dpkg.js';
import { readRpmDatabase } from '../../src/ecosystems/rpm/rpmdb/database.js';
import { wholeImage } from '../../src/inventory/layer-view.js';
import { inventoryImage } from '../../src/inventory/run.js';
import { FIXTURE_LAYER } from '../helpers/memory-fs.js';
import { END, header, member } from '../adversarial/tar-variants.js';
import { writeLayout } from '../helpers/make-image.js';
import { zipBytes } from '../helpers/zip.js';

const captured = (path: string, body: Buffer) => ({ path, type: 'file' as const, mode: 0o644, size: body.length, layer: FIXTURE_LAYER, body });

/** An uncompressed one-layer layout of `members`. */
const plainLayout = (members: Buffer[]): string => {
  const tar = Buffer.concat([...members, END]);
  return `oci:${writeLayout([{ blob: tar, mediaType: 'application/vnd.oci.image.layer.v1.tar' }])}`;
};

const OS_RELEASE = member({ name: 'etc/os-release' }, 'ID=debian\nVERSION_ID="12"\n');

function statusParagraph(i: number): string {
  return `Package: pkg-${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-${i}\nDescription: generated\n ${'x'.repeat(1000)}\n\n`;
}

describe('bounded work', () => {
  it('Java archives of one scan share one inflate budget: the third bomb is a warning, not another 5 MiB', async () => {
    const bomb = zipBytes([{ name: 'lib/zeros.jar', body: Buffer.alloc(5 * 1024 * 1024) }]);
    const limits = { ...DEFAULT_JAVA_LIMITS, maxInflated: 12 * 1024 * 1024 };
    const budget = javaBudget(limits);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await readJavaArchive(captured(`opt/bomb-${i}.jar`, bomb), limits, {}, budget));
    const limited = results.map((r) => r.warnings.some((w) => /archive limit reached/.test(w.message)));
    assert.deepEqual(limited, [false, false, true]);
  });

  it('a 100 MB MANIFEST.MF is refused by its declared size, never inflated', async () => {
    const jar = zipBytes([{ name: 'META-INF/MANIFEST.MF', body: Buffer.alloc(100_000_000, 'a') }]);
    const started = performance.now();
    const result = await readJavaArchive(captured('opt/app.jar', jar));
    assert.ok(performance.now() - started < 2000, 'no inflation');
    assert.match(result.warnings[0]?.message ?? '', /META-INF\/MANIFEST\.MF would inflate to 100000000 bytes, over the 67108864 left/);
  });

  it('an rpm SQLite database whose Packages is a recursive view is refused at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-rpm-view-'));
    try {
      const db = new Database(join(dir, 'rpmdb.sqlite'));
      db.exec("CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM r) SELECT hnum, blob FROM r");
      db.exec('CREATE TABLE Name (key TEXT, hnum INTEGER)');
      db.close();
      const started = performance.now();
      const result = readRpmDatabase(readFileSync(join(dir, 'rpmdb.sqlite')));
      assert.ok(performance.now() - started < 2000);
      assert.deepEqual(result.headers, []);
      assert.ok(
        result.problems.some((p) => /Packages is a view, not a table/.test(p)),
        JSON.stringify(result.problems),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dpkg status over 64 MiB is read whole, not dropped', { timeout: 60_000 }, async () => {
    const count = 66_000;
    const status = Buffer.from(Array.from({ length: count }, (_, i) => statusParagraph(i)).join(''));
    assert.ok(status.length > 64 * 1024 * 1024);
    const image = await openImage(plainLayout([OS_RELEASE, member({ name: 'var/lib/dpkg/status' }, status)]));
    try {
      const result = await inventoryImage(image, { analyzers: [dpkgAnalyzer] });
      assert.equal(result.packages.length, count);
      assert.deepEqual(result.warnings, []);
    } finally {
      await image.close();
    }
  });

  it('a dpkg .list of 1,000,000 paths under a 40-hop symlink chain is read in seconds', { timeout: 60_000 }, async () => {
    const chain = Array.from({ length: 39 }, (_, i) => header({ name: `l${i}`, type: '2', linkname: `l${i + 1}` }));
    const paths = Array.from({ length: 1_000_000 }, (_, i) => `/l0/f${i}`).join('\n');
    const image = await openImage(
      plainLayout([
        OS_RELEASE,
        member({ name: 'data/', type: '5' }),
        ...chain,
        header({ name: 'l39', type: '2', linkname: 'data' }),
        member({ name: 'data/f7' }, 'x'),
        member({ name: 'var/lib/dpkg/status' }, statusParagraph(0)),
        member({ name: 'var/lib/dpkg/info/pkg-0.list' }, paths),
      ]),
    );
    try {
      const contents = await inventoryImage(image, { analyzers: [dpkgAnalyzer] });
      const started = performance.now();
      const { ownedFiles } = await dpkgAnalyzer.analyze({ fs: wholeImage(contents.contents.fs) });
      const seconds = (performance.now() - started) / 1000;
      assert.ok(ownedFiles?.[contents.packages[0]?.id ?? '']?.includes('data/f7'), 'the path is owned where the chain leads');
      assert.ok(seconds < 15, `${seconds.toFixed(1)} s`);
    } finally {
      await image.close();
    }
  });
});
