// Generated OCI layouts that once cost memory in proportion to what they hold (issue 12): written to a
// temp dir a chunk at a time, so the generator itself stays small.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { END, header, member } from '../test/adversarial/tar-variants.js';
import { zipBytes } from '../test/helpers/zip.js';
import { manifestOver, manifestWithin } from '../test/adversarial/large-manifests.js';
import { MAX_MANIFEST_SIZE } from '../src/ecosystems/common/parse.js';

/** Writes a one-layer OCI layout whose uncompressed tar layer is the concatenation of `chunks`; returns the `oci:` reference. */
export function writeStreamedLayout(chunks: Iterable<Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-hostile-'));
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: string): { digest: string; size: number } => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: Buffer.byteLength(bytes) };
  };
  const partial = join(blobs, 'partial');
  const fd = openSync(partial, 'w');
  const hash = createHash('sha256');
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    const buf = Buffer.concat(pending);
    writeSync(fd, buf);
    hash.update(buf);
    size += buf.length;
    pending = [];
    pendingBytes = 0;
  };
  for (const chunk of [...chunks, END]) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= 4 << 20) flush();
  }
  flush();
  closeSync(fd);
  const layer = `sha256:${hash.digest('hex')}`;
  renameSync(partial, join(blobs, layer.slice(7)));
  const config = put(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer] }, history: [{ created_by: 'generated' }] }),
  );
  const manifest = put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size }],
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const ref = { 'org.opencontainers.image.ref.name': 'generated' };
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: ref }] }),
  );
  return `oci:${dir}:generated`;
}

/** A layer of `count` empty files, a thousand to a directory. */
export function* manyEntries(count: number): Generator<Buffer> {
  for (let d = 0; d * 1000 < count; d++) {
    const dir = `d${d}`;
    yield header({ name: `${dir}/`, type: '5', mode: 0o755 });
    for (let f = d * 1000; f < Math.min(count, (d + 1) * 1000); f++) yield header({ name: `${dir}/f${f}` });
  }
}

function jar(name: string, filler: number, seed: number): Buffer {
  const pom = `groupId=org.generated\nartifactId=${name}\nversion=1.${seed}.0\n`;
  const noise = Buffer.alloc(filler);
  for (let i = 0; i < filler; i += 4) noise.writeUInt32LE(Math.imul(i + seed, 2654435761) >>> 0, i);
  return zipBytes([
    { name: 'META-INF/MANIFEST.MF', body: Buffer.from(`Manifest-Version: 1.0\nImplementation-Title: ${name}\n`) },
    { name: `META-INF/maven/org.generated/${name}/pom.properties`, body: Buffer.from(pom) },
    { name: 'Filler.class', body: noise },
  ]);
}

function* manyJars(count: number, filler: number): Generator<Buffer> {
  yield header({ name: 'app/', type: '5', mode: 0o755 });
  for (let i = 0; i < count; i++) yield member({ name: `app/lib-${i}.jar` }, jar(`lib-${i}`, filler, i));
}

function* manySecrets(count: number, size: number): Generator<Buffer> {
  yield header({ name: 'srv/', type: '5', mode: 0o755 });
  for (let i = 0; i < count; i++) {
    const token = `ghp_${createHash('sha256').update(String(i)).digest('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
    const line = `GITHUB_TOKEN=${token}\n`;
    yield member({ name: `srv/app-${i}.env` }, line + '#'.repeat(size - line.length - 1) + '\n');
  }
}

export interface HostileLayout {
  name: string;
  /** Writes the layout; returns its `oci:` reference. */
  build: () => string;
  /** The CLI command that reads what the layout stresses. */
  command: 'sbom' | 'secrets';
}

export const HOSTILE_LAYOUTS: Record<string, HostileLayout> = {
  entries200k: { name: '200,000 tiny entries', build: () => writeStreamedLayout(manyEntries(200_000)), command: 'sbom' },
  entries: { name: '2,000,000 tiny entries', build: () => writeStreamedLayout(manyEntries(2_000_000)), command: 'sbom' },
  jars: { name: '1,000 jars of 1 MiB', build: () => writeStreamedLayout(manyJars(1000, 1 << 20)), command: 'sbom' },
  secrets: { name: '3,000 secret-bearing files of 1 MiB', build: () => writeStreamedLayout(manySecrets(3000, 1 << 20)), command: 'secrets' },
  manifest: {
    name: 'a 500 MB MANIFEST.MF inside a jar',
    build: () => writeStreamedLayout([member({ name: 'app.jar' }, zipBytes([{ name: 'META-INF/MANIFEST.MF', body: Buffer.alloc(500_000_000, 'a') }]))]),
    command: 'sbom',
  },
  lock: {
    name: 'a 60 MB package-lock.json (refused)',
    build: () => writeStreamedLayout([member({ name: 'app/package-lock.json' }, manifestOver('package-lock.json', 60e6))]),
    command: 'sbom',
  },
  lockAtLimit: {
    name: 'a package-lock.json of 3 MiB, the limit (read)',
    build: () => writeStreamedLayout([member({ name: 'app/package-lock.json' }, manifestWithin('package-lock.json', MAX_MANIFEST_SIZE))]),
    command: 'sbom',
  },
};
