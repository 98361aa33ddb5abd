// The layer cache with hardening on (every scanner, as `plimsoll image` runs by default): on every testbed
// image a report with no cache, a cold cache and a warm one are the same, and a warm scan opens no layer
// (the final passes read facts from the records); a record that lacks the entry binary's fact (another
// config) reads just that layer; a secret deleted in a later layer is reported the same warm and cold;
// the cache's files never hold a secret's bytes (records keep masked evidence and keyed hashes).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { brotliDecompressSync } from 'node:zlib';
import { CACHE_FILE, LayerCache } from '../../src/cache/layer-cache.js';
import { openImage } from '../../src/image/open.js';
import type { ResolvedImage } from '../../src/image/types.js';
import { buildReport } from '../../src/report/report.js';
import { scanResolved } from '../../src/scan.js';
import { buildDatabase } from '../helpers/pipeline-counts.js';
import { TESTBED_IMAGES } from '../helpers/truth.js';
import { hasCommand, needRegistry, needTestbed, registryEnv } from '../helpers/testbed.js';
import { withUmociImage, type ImageStep, type RootfsEntry } from '../helpers/umoci-image.js';
import { fakeSecrets } from '../hardening/fake-secrets.js';
import { blobCountingProxy, countOpens, noneColdWarm } from './helpers.js';

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
  /** Layers opened, by index. */
  opened: number[];
  /** The layers' blob digests. */
  layers: string[];
}

/** The whole report (every scanner, offline database) as JSON, and the layers it opened; `config` changes the image's config first. */
async function scan(ref: string, cache?: LayerCache, config?: (image: ResolvedImage) => void): Promise<Scanned> {
  const image = await openImage(ref);
  config?.(image);
  const opened = countOpens(image);
  try {
    const result = await scanResolved(image, { db: { dbDir: db?.dbDir ?? '', offline: true }, ...(cache ? { cache } : {}) });
    try {
      return { json: withoutTimes(JSON.stringify(buildReport(image, result), null, 1)), opened: opened(), layers: image.layers.map((l) => l.digest) };
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
  it('every testbed image: no cache, a cold cache and a warm one give the same report; a warm one opens no layer', async () => {
    const cache = LayerCache.open({ dir: join(root, 'testbed') });
    try {
      for (const img of TESTBED_IMAGES) {
        const ref = `oci:${img.layout}:${img.tag}`;
        const { warm } = await noneColdWarm(img.name, cache, (c) => scan(ref, c));
        assert.deepEqual(warm.opened, [], `${img.name}: the warm scan opened layers`);
      }
    } finally {
      cache.close();
    }
  });

  it('a record stored without secrets (--scanners vuln) is read again by a secret scan, which stores them; the key outlives the cache being closed', async () => {
    const dir = join(root, 'upgrade');
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
      assert.ok(upgraded.opened.length > 0, 'records without secrets do not serve a secret scan');
      const warm = await scan(ref, again);
      assert.deepEqual(warm.opened, [], 'the secrets (and hardening facts) were stored');
      assert.equal(upgraded.json, none.json);
      assert.equal(warm.json, none.json);
    } finally {
      again.close();
    }
  });

  it("a record without the entry binary's fact (stored for another command) reads that file from its layer alone, then keeps the fact", async () => {
    const img = TESTBED_IMAGES.find((i) => i.name === 'scratch-go');
    const ref = `oci:${img?.layout ?? ''}:${img?.tag ?? ''}`;
    const cache = LayerCache.open({ dir: join(root, 'entry') });
    const otherCommand = (image: ResolvedImage): void => {
      image.config.config = { ...image.config.config, Entrypoint: ['/usr/local/bin/not-here'] };
    };
    try {
      const none = await scan(ref);
      assert.ok(JSON.stringify(JSON.parse(none.json)).includes('"entryBinary":{"path":"usr/local/bin/shfmt","static":true,"language":"go"}'));
      await scan(ref, cache, otherCommand);
      const missing = await scan(ref, cache);
      assert.equal(missing.json, none.json);
      assert.equal(missing.opened.length, 1, 'only the layer holding the binary is read');
      const warm = await scan(ref, cache);
      assert.equal(warm.json, none.json);
      assert.deepEqual(warm.opened, [], 'the fact read was added to the record');
    } finally {
      cache.close();
    }
  });

  it('an entry command reached through symlinks (pager: an alternative to /bin/more, which no request wants by its own name) reads the same warm and cold', async () => {
    const img = TESTBED_IMAGES.find((i) => i.name === 'debian-bookworm');
    const ref = `oci:${img?.layout ?? ''}:${img?.tag ?? ''}`;
    const pager = (image: ResolvedImage): void => {
      image.config.config = { ...image.config.config, Cmd: ['pager'] };
    };
    const cache = LayerCache.open({ dir: join(root, 'pager') });
    try {
      const { none, warm } = await noneColdWarm('pager', cache, (c) => scan(ref, c, pager));
      // Its ELF header was read (a dynamic binary), through a body read only for the entry binary's fact.
      assert.ok(JSON.stringify(JSON.parse(none.json)).includes('"entryBinary":{"path":"usr/bin/more","static":false}'));
      assert.deepEqual(warm.opened, []);
    } finally {
      cache.close();
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
          assert.deepEqual(warm.opened, [], "no layer is read again: etc/passwd's users are in its record");
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

describe('layer cache with hardening and a registry', { skip: needRegistry() }, () => {
  it('an image whose base another image cached gives the same report as with no cache, and its base layer blob is not downloaded', async () => {
    const proxy = await blobCountingProxy(registryEnv()?.anon ?? '');
    const registry = `docker://127.0.0.1:${proxy.port}/testbed`;
    const cache = LayerCache.open({ dir: join(root, 'shared-base') });
    try {
      const none = await scan(`${registry}/debian-app:1.0`);
      await scan(`${registry}/debian-bookworm:12`, cache);
      proxy.blobs.splice(0);
      const partial = await scan(`${registry}/debian-app:1.0`, cache);
      assert.equal(partial.json, none.json);
      assert.ok(!partial.opened.includes(0), `the base layer was opened (${partial.opened.join(', ')})`);
      assert.deepEqual(partial.opened, [1, 2, 3], 'each new layer is read once');
      const served = proxy.blobs.map((url) => url.slice(url.lastIndexOf('/') + 1));
      const baseLayer = partial.layers[0] ?? '';
      assert.ok(baseLayer !== '' && !served.includes(baseLayer), `the registry served the cached base layer: ${served.join(' ')}`);
      assert.equal(served.length, 4, 'the config and the three new layers');
    } finally {
      cache.close();
      proxy.close();
    }
  });
});
