// A layer's listing survives encoding exactly: real testbed layers, odd names and entry types as the
// tar reader gives them, any entry fast-check makes; damaged bytes give one line, never a crash; and
// a 200,000-entry listing is encoded and read back in memory proportional to its bytes.
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import type { FileInfo } from '../../src/image/files.js';
import { decodeListing, encodeListing } from '../../src/image/layer-listing.js';
import { readLayer, type LayerContent, type LayerEntry } from '../../src/image/layer-reader.js';
import { END, member, paxHeader } from '../adversarial/tar-variants.js';
import { IMAGES, TESTBED, needTestbed } from '../helpers/testbed.js';

const ref = { index: 0, digest: 'sha256:listing' };

/** What a listing must keep of a layer's content (the entries without bodies). */
function listed(content: LayerContent): object {
  return {
    entries: [...content.entries].map(({ body: _body, ...info }) => info),
    whiteouts: content.whiteouts,
    opaqueDirs: content.opaqueDirs,
    compression: content.compression,
    tarBytes: content.tarBytes,
    diffId: content.diffId,
    blobBytes: content.blobBytes,
    warnings: content.warnings,
  };
}

function roundTrip(content: LayerContent): LayerContent {
  const decoded = decodeListing(encodeListing(content), content.ref);
  assert.deepEqual(listed(decoded), listed(content));
  assert.deepEqual(decoded.ref, content.ref);
  return decoded;
}

const content = (entries: LayerEntry[], extra: Partial<LayerContent> = {}): LayerContent => ({
  ref,
  entries,
  whiteouts: [],
  opaqueDirs: [],
  compression: 'none',
  tarBytes: 0,
  warnings: [],
  ...extra,
});

/** The layers of a testbed OCI image, as blob paths. */
function testbedLayers(name: string): string[] {
  const dir = join(TESTBED, 'oci', name);
  const blob = (digest: string): string => join(dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; mediaType: string }[] };
  const layers: string[] = [];
  for (const m of index.manifests) {
    const manifest = JSON.parse(readFileSync(blob(m.digest), 'utf8')) as { layers?: { digest: string }[]; manifests?: { digest: string }[] };
    // A multi-arch index: its first image is enough.
    const image = manifest.manifests
      ? (JSON.parse(readFileSync(blob(manifest.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] })
      : manifest;
    layers.push(...(image.layers ?? []).map((l) => blob(l.digest)));
  }
  return layers;
}

describe('real testbed layers', { skip: needTestbed() }, () => {
  for (const name of Object.keys(IMAGES)) {
    test(name, async () => {
      const layers = testbedLayers(name);
      assert.ok(layers.length > 0);
      for (const [index, path] of layers.entries()) {
        const read = await readLayer(
          createReadStream(path),
          { index, digest: `sha256:${path.split('/').at(-1) ?? ''}` },
          { requests: [], maxLayerSize: 2 ** 31, what: path },
        );
        const decoded = roundTrip(read);
        assert.equal(decoded.diffId, read.diffId);
        assert.ok([...decoded.entries].length > 0);
      }
    });
  }
});

/** A 512-byte header whose name field holds `bytes` as they are (not UTF-8), with its checksum fixed. */
function rawName(bytes: Buffer, type = '0'): Buffer {
  const block = member({ name: 'x', type });
  block.fill(0, 0, 100);
  bytes.copy(block, 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

test('odd names and every entry type, as the tar reader gives them', async () => {
  const long = `${'deep/'.repeat(900)}file-${'n'.repeat(300)}`;
  const tar = Buffer.concat([
    member({ name: 'etc/', type: '5', mode: 0o755 }),
    member({ name: 'etc/passwd' }, 'root:x:0:0::/root:/bin/sh\n'),
    // Latin-1 bytes that are not UTF-8: the reader gives U+FFFD, and the listing keeps exactly that.
    rawName(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2f, 0xff, 0xfe])),
    paxHeader({ path: long, uid: '5000000000', gid: '-3' }),
    member({ name: 'placeholder' }, 'long'),
    paxHeader({ path: 'emoji/🐳 名前 \u200b.txt', linkpath: 'etc/passwd' }),
    member({ name: 'placeholder', type: '1' }),
    member({ name: 'etc/sym', type: '2', linkname: '../../outside/target' }),
    member({ name: 'dev/null', type: '3', mode: 0o666 }),
    member({ name: 'dev/sda', type: '4', mode: 0o660 }),
    member({ name: 'run/fifo', type: '6', mode: 0o4755 }),
    member({ name: 'var/lib/.wh.old' }),
    member({ name: 'opt/.wh..wh..opq' }),
    member({ name: 'empty-target-link', type: '2', linkname: '' }),
    END,
  ]);
  const read = await readLayer(Readable.from([tar]), ref, {
    requests: [{ name: 'passwd', wants: (info: FileInfo) => info.path === 'etc/passwd' }],
    maxLayerSize: 1 << 30,
    what: 'layer',
  });
  assert.ok(
    [...read.entries].some((e) => e.body),
    'a body was kept, and must not be listed',
  );
  const decoded = roundTrip(read);
  const entries = [...decoded.entries];
  assert.ok(entries.every((e) => !('body' in e)));
  assert.deepEqual(
    entries.map((e) => [e.path, e.type]),
    [
      ['etc', 'dir'],
      ['etc/passwd', 'file'],
      ['caf\ufffd/\ufffd\ufffd', 'file'],
      [long, 'file'],
      ['emoji/🐳 名前 \u200b.txt', 'hardlink'],
      ['etc/sym', 'symlink'],
      ['dev/null', 'char'],
      ['dev/sda', 'block'],
      ['run/fifo', 'fifo'],
      ['empty-target-link', 'symlink'],
    ],
  );
  assert.deepEqual([entries[3]?.uid, entries[3]?.gid], [5_000_000_000, -3]);
  assert.equal(entries[4]?.linkTarget, 'etc/passwd');
  assert.equal(entries[8]?.mode, 0o4755);
  assert.deepEqual([decoded.whiteouts, decoded.opaqueDirs], [['var/lib/old'], ['opt']]);
});

const TYPES = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'] as const;
const owner = fc.option(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 31), max: -1 })), { nil: undefined });
const entryArb: fc.Arbitrary<LayerEntry> = fc
  .record(
    {
      path: fc.string({ unit: 'binary', maxLength: 300 }),
      type: fc.constantFrom(...TYPES),
      mode: fc.integer({ min: 0, max: 0o7777 }),
      size: fc.oneof(fc.nat(), fc.maxSafeNat()),
      linkTarget: fc.string({ unit: 'binary', maxLength: 100 }),
      uid: owner,
      gid: owner,
    },
    { requiredKeys: ['path', 'type', 'mode', 'size'] },
    // An owner the source did not give is absent, not undefined.
  )
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as LayerEntry);
const contentArb = fc.record({
  entries: fc.array(entryArb, { maxLength: 40 }),
  whiteouts: fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }),
  opaqueDirs: fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }),
  compression: fc.constantFrom('gzip' as const, 'zstd' as const, 'none' as const),
  tarBytes: fc.maxSafeNat(),
  diffId: fc.option(fc.string(), { nil: undefined }),
  blobBytes: fc.option(fc.maxSafeNat(), { nil: undefined }),
  warnings: fc.array(
    fc.record({ path: fc.string(), message: fc.string() }, { requiredKeys: ['message'] }).map((w) => ({ ...w })),
    { maxLength: 3 },
  ),
});

describe('properties', () => {
  test('any layer content round-trips', () => {
    fc.assert(
      fc.property(contentArb, (c) => {
        const { diffId, blobBytes, ...rest } = c;
        roundTrip({ ref, ...rest, ...(diffId !== undefined ? { diffId } : {}), ...(blobBytes !== undefined ? { blobBytes } : {}) });
      }),
      { numRuns: 300 },
    );
  });

  test('damaged bytes: decoding throws nothing but a one-line InputError, or reads entries that are all well-formed', () => {
    const valid = encodeListing(
      content(
        [
          { path: 'etc/passwd', type: 'file', mode: 0o644, size: 30, uid: 0, gid: 0 },
          { path: 'bin/sh', type: 'symlink', mode: 0o777, size: 0, uid: 0, gid: 0, linkTarget: 'busybox' },
          { path: 'big', type: 'file', mode: 0o644, size: 1, uid: 5_000_000_000, gid: 1 },
        ],
        { whiteouts: ['gone'] },
      ),
    );
    const damaged = fc.oneof(
      fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => Buffer.from(valid).fill(byte, at, at + 1)),
      fc.nat({ max: valid.length - 1 }).map((end) => valid.subarray(0, end)),
      fc.uint8Array({ maxLength: 60 }).map((tail) => Buffer.concat([valid, tail])),
    );
    fc.assert(
      fc.property(damaged, (bytes) => {
        let decoded: LayerContent;
        try {
          decoded = decodeListing(bytes, ref);
        } catch (err) {
          assert.ok(err instanceof InputError, `not an InputError: ${String(err)}`);
          assert.match(err.message, /^layer listing of sha256:listing: [^\n]+$/);
          return;
        }
        for (const e of decoded.entries) {
          assert.ok(TYPES.includes(e.type) && Number.isSafeInteger(e.size) && e.size >= 0, JSON.stringify(e));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

test('200,000 entries: encoded and decoded in memory proportional to the listing', () => {
  const COUNT = 200_000;
  const entry = (i: number): LayerEntry => ({
    path: `usr/share/doc/package-${i % 3000}/changelog-${i}.gz`,
    type: i % 9 === 0 ? 'symlink' : 'file',
    mode: 0o644,
    size: i * 13,
    uid: 0,
    gid: 0,
    ...(i % 9 === 0 ? { linkTarget: `../other-${i}` } : {}),
  });
  const entries = {
    *[Symbol.iterator]() {
      for (let i = 0; i < COUNT; i++) yield entry(i);
    },
  };
  global.gc?.();
  const base = process.memoryUsage();
  let start = performance.now();
  const bytes = encodeListing(content([], { entries }));
  const encodeMs = performance.now() - start;
  const afterEncode = process.memoryUsage();
  start = performance.now();
  const decoded = decodeListing(bytes, ref);
  let n = 0;
  let pathChars = 0;
  for (const e of decoded.entries) {
    n++;
    pathChars += e.path.length;
  }
  const decodeMs = performance.now() - start;
  const afterDecode = process.memoryUsage();
  assert.equal(n, COUNT);
  assert.ok(pathChars > COUNT * 30);
  const perEntry = bytes.length / COUNT;
  // Buffers (external memory) hold the listing; the heap holds no object per entry.
  const heapGrowth = Math.max(afterEncode.heapUsed, afterDecode.heapUsed) - base.heapUsed;
  // `external` counts the buffers (it includes `arrayBuffers`).
  const externalGrowth = Math.max(afterEncode.external, afterDecode.external) - base.external;
  process.stdout.write(
    `# listing: ${perEntry.toFixed(1)} bytes/entry; encode ${((encodeMs * 100_000) / COUNT).toFixed(0)} ms, decode+walk ${((decodeMs * 100_000) / COUNT).toFixed(0)} ms per 100k entries; heap +${(heapGrowth / 1e6).toFixed(1)} MB, buffers +${(externalGrowth / 1e6).toFixed(1)} MB\n`,
  );
  assert.ok(perEntry < 80, `${perEntry} bytes per entry`);
  assert.ok(externalGrowth < 3 * bytes.length + 8e6, `buffers grew ${externalGrowth} for a ${bytes.length}-byte listing`);
  assert.ok(heapGrowth < 40e6, `heap grew ${heapGrowth}`);
});
