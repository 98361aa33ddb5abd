// zstd layers: our decoders against the reference `zstd` program on real data, and the
// failures a hostile or damaged layer causes (truncated, corrupt, decompression bomb).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decoderFor, libzstdDecoder } from '../../src/image/decompress.js';
import { MIN_WORKER_START, threadedZstdDecoder } from '../../src/image/zstd-thread.js';
import { readLayer } from '../../src/image/layer-reader.js';
import { InputError } from '../../src/errors.js';
import { tarBytes, writeLayout } from '../helpers/make-image.js';
import { TESTBED, needTestbed } from '../helpers/testbed.js';

const CLI = join(import.meta.dirname, '../../src/cli.ts');
// Worker decoding needs two cores; these tests ask for it whatever the default.
process.env.PLIMSOLL_ZSTD_THREADS = '2';

/** A decoder on a worker thread: failing, not falling back, when none may start (one core). */
function threaded(): Duplex {
  return threadedZstdDecoder(MIN_WORKER_START) ?? assert.fail('no worker thread may start: decoding on one needs two cores');
}
const LAYOUT = join(TESTBED, 'oci', 'alpine-3.20-zstd');

/** The zstd layer blob of the testbed's alpine-3.20-zstd image. */
function alpineZstdBlob(): { path: string; digest: string } {
  const blobPath = (digest: string): string => join(LAYOUT, 'blobs/sha256', digest.slice(7));
  const index = JSON.parse(readFileSync(join(LAYOUT, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blobPath(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string; mediaType: string }[] };
  const layer = manifest.layers[0];
  if (!layer?.mediaType.endsWith('+zstd')) throw new Error(`${LAYOUT}: the first layer is not zstd`);
  return { path: blobPath(layer.digest), digest: layer.digest };
}

/** `zstd -dc`: the reference output. */
function referenceDecode(input: Buffer): Buffer {
  return execFileSync('zstd', ['-dc'], { input, maxBuffer: 1 << 30 });
}

/** Feeds `input` in `piece`-sized writes through `decoder` and collects what comes out. */
async function decode(decoder: Duplex, input: Buffer, piece: number): Promise<{ out: Buffer; largest: number }> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < input.length; at += piece) pieces.push(input.subarray(at, at + piece));
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    decoder,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return { out: Buffer.concat(chunks), largest: Math.max(...chunks.map((c) => c.length)) };
}

const DECODERS: [string, () => Duplex][] = [
  ['libzstd (zstd-napi)', libzstdDecoder],
  ['the decoder decoderFor picks on this Node', () => decoderFor('zstd') as Duplex],
  ['libzstd on a worker thread', threaded],
];

/** How a layer blob is decoded: in-thread, or (as a large layer is) on a worker thread. */
const PLACES: [string, number | undefined][] = [
  ['in-thread', undefined],
  ['on a worker thread', MIN_WORKER_START],
];

describe('zstd decoding matches zstd -dc', { skip: needTestbed() }, () => {
  for (const [name, make] of DECODERS) {
    it(`${name}: the alpine-3.20-zstd layer, byte for byte, in bounded chunks`, async () => {
      const blob = readFileSync(alpineZstdBlob().path);
      const expected = referenceDecode(blob);
      const { out, largest } = await decode(make(), blob, 65_537);
      assert.equal(out.length, expected.length);
      assert.ok(out.equals(expected), 'same bytes as zstd -dc');
      assert.ok(largest <= 1024 * 1024, `output comes in chunks of at most 1 MiB (largest ${largest})`);
    });

    it(`${name}: consecutive frames, in one write and split across writes`, async () => {
      const tar = referenceDecode(readFileSync(alpineZstdBlob().path));
      const half = tar.length >> 1;
      const compress = (level: string, input: Buffer): Buffer => execFileSync('zstd', ['-c', '-q', level], { input, maxBuffer: 1 << 30 });
      const frames = Buffer.concat([compress('-1', tar.subarray(0, half)), compress('-9', tar.subarray(half))]);
      assert.ok(referenceDecode(frames).equals(tar), 'zstd -dc reads the two frames back');
      for (const piece of [frames.length, 4099]) {
        const { out } = await decode(make(), frames, piece);
        assert.ok(out.equals(tar), `two frames, ${piece}-byte writes`);
      }
    });
  }
});

for (const [place, blobSize] of PLACES)
  describe(`damaged zstd layers give one line naming the layer, decoded ${place}`, { skip: needTestbed() }, () => {
    const read = (bytes: Buffer, digest: string): Promise<unknown> =>
      readLayer(Readable.from([bytes]), { index: 0, digest }, { requests: [], maxLayerSize: 1 << 30, what: `layer ${digest}`, blobSize });

    /** The rejection of `read`, checked to be a one-line InputError that names the layer. */
    async function failure(bytes: Buffer, digest: string): Promise<string> {
      const err = await read(bytes, digest).then(
        () => assert.fail('the layer was read without error'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof InputError, `an InputError: ${String(err)}`);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      assert.ok(err.message.startsWith(`layer ${digest}: `), err.message);
      return err.message;
    }

    it('a truncated layer', async () => {
      const { path, digest } = alpineZstdBlob();
      const blob = readFileSync(path);
      const cut = blob.subarray(0, blob.length >> 1);
      assert.notEqual(spawnSync('zstd', ['-t'], { input: cut }).status, 0, 'zstd -t rejects it too');
      assert.match(await failure(cut, digest), /: corrupt or truncated compressed data \(.+\)$/);
    });

    it('a layer with bytes after its last frame', async () => {
      const { path, digest } = alpineZstdBlob();
      const blob = Buffer.concat([readFileSync(path), Buffer.from('not a zstd frame')]);
      assert.notEqual(spawnSync('zstd', ['-t'], { input: blob }).status, 0, 'zstd -t rejects it too');
      assert.match(await failure(blob, digest), /: corrupt or truncated compressed data \(.+\)$/);
    });

    it('a layer whose compressed bytes are altered mid-stream', async () => {
      const { path, digest } = alpineZstdBlob();
      const blob = Buffer.from(readFileSync(path));
      blob.fill(0xa5, blob.length >> 1, (blob.length >> 1) + 64);
      assert.notEqual(spawnSync('zstd', ['-t'], { input: blob }).status, 0, 'zstd -t rejects it too');
      assert.match(await failure(blob, digest), /: corrupt or truncated compressed data \(.+\)$/);
    });

    it('a layer whose content checksum is wrong (the tar itself reads fine)', async () => {
      const { path, digest } = alpineZstdBlob();
      const blob = Buffer.from(readFileSync(path));
      const last = blob.length - 1;
      blob[last] = (blob[last] as number) ^ 0xff;
      assert.notEqual(spawnSync('zstd', ['-t'], { input: blob }).status, 0, 'zstd -t rejects it too');
      assert.match(await failure(blob, digest), /: corrupt or truncated compressed data \(.+\)$/);
    });
  });

describe('a zstd decompression bomb', () => {
  it('stops at --max-layer-size with bounded memory', async () => {
    // A tar entry of 512 MiB of zeros, compressed by zstd to a few kilobytes.
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-zstd-bomb-'));
    const header = join(dir, 'header');
    writeFileSync(header, (await tarBytes([{ name: 'zeros', size: 512 * 1024 * 1024 }])).subarray(0, 512));
    const blob = execFileSync('sh', ['-c', '{ cat "$1"; head -c 536870912 /dev/zero; } | zstd -q -c', 'sh', header]);
    assert.ok(blob.length < 1024 * 1024, `the bomb is small (${blob.length} bytes)`);
    const layout = writeLayout([{ blob, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' }]);
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '--import', 'tsx', CLI, 'files', `oci:${layout}:test`, '--max-layer-size', '64MiB'], {
      encoding: 'utf8',
    });
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('Command exited'));
    const peakKb = Number(lines.pop());
    assert.equal(r.status, 2, r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] as string,
      /^.*layer sha256:[0-9a-f]{64}: uncompressed size exceeds the limit of 67108864 bytes \(--max-layer-size\); possible decompression bomb$/,
    );
    assert.ok(peakKb < 200_000, `peak RSS ${peakKb} kB stays bounded`);
  });
});

describe('a zstd decoder on a worker thread', () => {
  it('decodes only as far ahead as the reader reads, and drops the stream when destroyed', async () => {
    // 256 MiB of zeros in a few kilobytes: a worker decoding freely would fill memory with it.
    const blob = execFileSync('sh', ['-c', 'head -c 268435456 /dev/zero | zstd -q -c']);
    const decoder = threaded();
    decoder.end(blob);
    const first = await new Promise<Buffer>((resolve) => decoder.once('data', (chunk: Buffer) => (decoder.pause(), resolve(chunk))));
    assert.equal(first.length, 256 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 8 * 1024 * 1024, `${grown} bytes of decoded output arrived while nothing read it`);
    const closed = new Promise((resolve) => decoder.once('close', resolve));
    decoder.destroy();
    await closed;
  });

  it('serves layer after layer, also after one was destroyed midway, each with its diff ID hashed on the worker', { skip: needTestbed() }, async () => {
    const { path } = alpineZstdBlob();
    const blob = readFileSync(path);
    const tar = referenceDecode(blob);
    const destroyed = threaded();
    destroyed.write(blob);
    await new Promise((resolve) => destroyed.once('data', resolve));
    destroyed.destroy();
    // Three at once, as the scan reads layers: one worker decodes them side by side.
    const layers = await Promise.all(
      [0, 1, 2].map(() =>
        readLayer(
          Readable.from([blob]),
          { index: 0, digest: alpineZstdBlob().digest },
          { requests: [], maxLayerSize: 1 << 30, what: 'layer', blobSize: MIN_WORKER_START },
        ),
      ),
    );
    for (const layer of layers) {
      assert.equal(layer.tarBytes, tar.length);
      assert.equal(layer.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    }
  });

  it('a layer too large for --max-layer-size stops with the same one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-zstd-bomb-'));
    const header = join(dir, 'header');
    writeFileSync(header, (await tarBytes([{ name: 'zeros', size: 128 * 1024 * 1024 }])).subarray(0, 512));
    const blob = execFileSync('sh', ['-c', '{ cat "$1"; head -c 134217728 /dev/zero; } | zstd -q -c', 'sh', header]);
    const digest = `sha256:${'0'.repeat(64)}`;
    const err = await readLayer(
      Readable.from([blob]),
      { index: 0, digest },
      { requests: [], maxLayerSize: 16 * 1024 * 1024, what: `layer ${digest}`, blobSize: MIN_WORKER_START },
    ).then(
      () => assert.fail('the layer was read without error'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.message, `layer ${digest}: uncompressed size exceeds the limit of 16777216 bytes (--max-layer-size); possible decompression bomb`);
  });
});
