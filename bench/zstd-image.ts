// A multi-layer zstd image for the benchmarks: the testbed's debian-app with every layer recompressed
// by the `zstd` program (the testbed's own zstd image has one small layer). The config, and so the
// diff IDs, stay the same: only the blobs and the manifest change.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TESTBED } from '../test/helpers/testbed.js';

const SOURCE = join(TESTBED, 'oci', 'debian-app');
export const ZSTD_IMAGE_TAG = '1.0';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** Writes the layout once (under the temp directory) and returns its path; later calls reuse it. */
export function zstdDebianApp(): string {
  const out = join(tmpdir(), 'plimsoll-bench-debian-app-zstd');
  if (existsSync(join(out, 'index.json'))) return out;
  const blobs = join(out, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const source = (digest: string): Buffer => readFileSync(join(SOURCE, 'blobs/sha256', digest.slice(7)));
  const put = (bytes: Buffer, mediaType: string): Descriptor => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    writeFileSync(join(blobs, digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const index = JSON.parse(readFileSync(join(SOURCE, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const manifest = JSON.parse(source(index.manifests[0]?.digest ?? '').toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  put(source(manifest.config.digest), manifest.config.mediaType);
  manifest.layers = manifest.layers.map((layer) => {
    const tar = execFileSync('gzip', ['-dc'], { input: source(layer.digest), maxBuffer: 1 << 30 });
    return put(execFileSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 }), 'application/vnd.oci.image.layer.v1.tar+zstd');
  });
  const root = put(Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');
  writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(out, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': ZSTD_IMAGE_TAG } }] }),
  );
  return out;
}
