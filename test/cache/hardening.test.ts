// The layer cache with hardening on (every scanner, as `plimsoll image` runs by default): on every testbed
// image a report with no cache, a cold cache and a warm one are the same, and a warm scan opens only the
// layers holding the files the final passes read; a secret deleted in a later layer is reported the same
// warm and cold; the cache's files never hold a secret's bytes (records keep masked evidence and keyed hashes).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { brotliDecompressSync } from 'node:zlib';
import { CACHE_FILE, LayerCache } from '../../src/cache/layer-cache.js';
import { hardeningViewRequests } from '../../src/hardening/run.js';
import { openImage } from '../../src/image/open.js';
import { ALL_ANALYZERS } from '../../src/inventory/analyzers.js';
import { buildReport } from '../../src/report/report.js';
import { scanResolved } from '../../src/scan.js';
import { buildDatabase } from '../helpers/pipeline-counts.js';
import { TESTBED_IMAGES } from '../helpers/truth.js';
import { hasCommand, needTestbed } from '../helpers/testbed.js';
import { withUmociImage, type ImageStep, type RootfsEntry } from '../helpers/umoci-image.js';
import { fakeSecrets } from '../hardening/fake-secrets.js';
import { countOpens, noneColdWarm } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'plimsoll-cache-hardening-'));
let db: Awaited<ReturnType<typeof buildDatabase>> | undefined;
before(async () => {
  db = await buildDatabase();
});
after(() => {
  db?.remove();
  rmSync(root, { recursive: true, force: true });
});

/** ISO times (the scan's own, and the config's, alike on both sides) are left out of the comparison. */
const withoutTimes = (json: string): string => json.replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '"T"');

interface Scanned {
  json: string;
  opened: number;
  /** Layers whose files the final passes (the analyzers' and hardening's) read from the merged view. */
  finalLayers: Set<number>;
}

/** The whole report (every scanner, offline database) as JSON, the layers it opened and those holding final-pass files. */
async function scan(ref: string, cache?: LayerCache): Promise<Scanned> {
  const image = await openImage(ref);
  const opened = countOpens(image);
  try {
    const result = await scanResolved(image, { db: { dbDir: db?.dbDir ?? '', offline: true }, ...(cache ? { cache } : {}) });
    try {
      const view = hardeningViewRequests(image.config);
      const finalLayers = new Set<number>();
      const fs = result.inventory.contents.fs;
      for (const file of fs.entries()) {
        if (!view.some((r) => r.wants(file)) && !ALL_ANALYZERS.some((a) => a.finishWants?.(file))) continue;
        // A wanted symlink (the entry command's name) is read where it leads.
        const target = file.type === 'symlink' ? fs.resolve(file.path) : file;
        if (target?.type === 'file') finalLayers.add(target.layer.index);
      }
      return { json: withoutTimes(JSON.stringify(buildReport(image, result), null, 1)), opened: opened(), finalLayers };
    } finally {
      result.inventory.contents.close();
    }
  } finally {
    await image.close();
  }
}

/** Every file of the cache (the database, its write-ahead log) as bytes, and every record decompressed (compression would hide a secret from a grep). */
function cacheBytes(dir: string): Buffer {
  const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
  const sqlite = new Database(join(dir, CACHE_FILE), { readonly: true });
  try {
    const records = (sqlite.prepare('SELECT value FROM layers').pluck().all() as Buffer[]).map((v) => brotliDecompressSync(v));
    assert.ok(records.length > 0);
    return Buffer.concat([...files, ...records]);
  } finally {
    sqlite.close();
  }
}

describe('layer cache with hardening', { skip: needTestbed() }, () => {
  it('every testbed image: no cache, a cold cache and a warm one give the same report; a warm one opens only final-pass layers', async () => {
    const cache = LayerCache.open({ dir: join(root, 'testbed') });
    try {
      for (const img of TESTBED_IMAGES) {
        const ref = `oci:${img.layout}:${img.tag}`;
        const { warm } = await noneColdWarm(img.name, cache, (c) => scan(ref, c));
        assert.ok(
          warm.opened <= warm.finalLayers.size,
          `${img.name}: warm scan opened ${warm.opened} layers, final passes need ${[...warm.finalLayers].join(', ')}`,
        );
      }
    } finally {
      cache.close();
    }
  });

  it('a record stored without secrets (--scanners vuln) is read again by a secret scan, which stores them; the key outlives the cache being closed', async () => {
    const dir = join(root, 'upgrade');
    // Its final-pass files are in three of its four layers: a scan reading every layer opens more.
    const img = TESTBED_IMAGES.find((i) => i.name === 'debian-app');
    const ref = `oci:${img?.layout ?? ''}:${img?.tag ?? ''}`;
    const none = await scan(ref);
    const first = LayerCache.open({ dir });
    const image = await openImage(ref);
    try {
      const vuln = await scanResolved(image, { scanners: ['vuln'], db: { dbDir: db?.dbDir ?? '', offline: true }, cache: first });
      vuln.inventory.contents.close();
    } finally {
      await image.close();
    }
    const key = first.secretKey();
    first.close();
    const again = LayerCache.open({ dir });
    try {
      assert.ok(key && again.secretKey()?.equals(key), 'the same key after reopening');
      const upgraded = await scan(ref, again);
      assert.ok(upgraded.opened > upgraded.finalLayers.size, 'records without secrets do not serve a secret scan');
      const warm = await scan(ref, again);
      assert.ok(warm.opened <= warm.finalLayers.size, 'the secrets were stored');
      assert.equal(upgraded.json, none.json);
      assert.equal(warm.json, none.json);
    } finally {
      again.close();
    }
  });

  const file = (path: string, body: string, mode = 0o644): RootfsEntry => ({ path, body, mode });
  const s = fakeSecrets();
  const DELETED_SECRET: ImageStep[] = [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ',
      write: [{ path: 'etc', mode: 0o755 }, file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n'), { path: 'app', mode: 0o755 }],
    },
    { createdBy: 'COPY . /app # buildkit', write: [file('app/.env', `DB_PASSWORD=${s.dbPassword}\n`), file('app/deploy.pem', s.rsaPem, 0o600)] },
    { createdBy: 'RUN /bin/sh -c rm /app/deploy.pem # buildkit', remove: ['app/deploy.pem'] },
    // Rewritten without the secret: it counts as removed.
    { createdBy: 'COPY .env /app/.env # buildkit', write: [file('app/.env', 'DB_PASSWORD=\n')] },
  ];

  it(
    'a secret deleted in a later layer is reported the same warm and cold, and the cache never holds its bytes',
    { skip: hasCommand('umoci') ? undefined : 'umoci not installed' },
    async () => {
      const dir = join(root, 'planted');
      await withUmociImage(DELETED_SECRET, 'latest', async (layout) => {
        const ref = `oci:${layout}:latest`;
        const cache = LayerCache.open({ dir });
        try {
          const { none, warm } = await noneColdWarm('planted secrets', cache, (c) => scan(ref, c));
          const findings = (JSON.parse(none.json) as { findings: { id: string; title: string }[] }).findings;
          assert.ok(
            findings.some((f) => f.id === 'PLM-SECRET-PRIVATE-KEY' && f.title.endsWith('deleted in layer 2 but still in layer 1')),
            'the deleted key is found',
          );
          assert.ok(
            findings.some((f) => f.id === 'PLM-SECRET-DOTENV' && f.title.endsWith('deleted in layer 3 but still in layer 1')),
            'the rewritten .env is found',
          );
          assert.equal(warm.opened, 1, 'only the layer holding etc/passwd is read again');
        } finally {
          cache.close();
        }
        const bytes = cacheBytes(dir);
        for (const secret of [s.dbPassword, s.rsaPem.split('\n')[1] ?? '']) {
          assert.ok(secret.length > 16);
          assert.equal(bytes.indexOf(secret), -1, 'a secret in the cache files');
        }
      });
    },
  );
});
