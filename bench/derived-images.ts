// Images the pipeline benchmarks derive from testbed layouts, written to a temp dir: twenty images on
// one shared base layer, and a testbed image with its gzip layers recompressed as zstd. Base blobs are
// hard-linked (copied across file systems), so deriving costs seconds, not the base's size twenty times.
import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256, tarBytes } from '../test/helpers/make-image.js';
import { IMAGES, TESTBED } from '../test/helpers/testbed.js';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}
interface Manifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}
interface Config {
  rootfs: { type: string; diff_ids: string[] };
  history?: { created_by?: string; empty_layer?: boolean }[];
}

/** A new OCI layout that writes blobs and, at the end, its index of tagged manifests. */
class Layout {
  readonly dir = mkdtempSync(join(tmpdir(), 'plimsoll-bench-layout-'));
  private readonly blobs = join(this.dir, 'blobs', 'sha256');
  private readonly tagged: Descriptor[] = [];

  constructor() {
    mkdirSync(this.blobs, { recursive: true });
  }

  blobPath(digest: string): string {
    return join(this.blobs, digest.slice('sha256:'.length));
  }

  put(bytes: Buffer | string): { digest: string; size: number } {
    const digest = sha256(bytes);
    writeFileSync(this.blobPath(digest), bytes);
    return { digest, size: Buffer.byteLength(bytes) };
  }

  /** Shares a blob of another layout by a hard link, or a copy when the link cannot be made. */
  share(from: string, digest: string): void {
    try {
      linkSync(from, this.blobPath(digest));
    } catch {
      copyFileSync(from, this.blobPath(digest));
    }
  }

  tag(manifest: Manifest, name: string): void {
    this.tagged.push({ mediaType: manifest.mediaType, ...this.put(JSON.stringify(manifest)), annotations: { 'org.opencontainers.image.ref.name': name } });
  }

  finish(): void {
    writeFileSync(join(this.dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: this.tagged }));
  }
}

/** A single-platform testbed image: its layout directory, manifest and config. */
function testbedImage(name: string): { blob: (digest: string) => string; manifest: Manifest; config: Config } {
  const layout = join(TESTBED, 'oci', name);
  const blob = (digest: string): string => join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === IMAGES[name]) ?? index.manifests[0];
  const manifest = JSON.parse(readFileSync(blob(entry?.digest ?? ''), 'utf8')) as Manifest;
  if (!manifest.layers) throw new Error(`${name}: expected a single-platform image`);
  return { blob, manifest, config: JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')) as Config };
}

export interface SharedBase {
  dir: string;
  refs: string[];
  /** Path of the base layer's blob, shared by every image. */
  baseBlob: string;
}

/** `count` images in one layout: `base`'s layers plus one small gzip layer of their own each. */
export async function sharedBaseImages(base: string, count: number): Promise<SharedBase> {
  const source = testbedImage(base);
  const out = new Layout();
  for (const layer of source.manifest.layers) out.share(source.blob(layer.digest), layer.digest);
  const refs: string[] = [];
  for (let i = 1; i <= count; i++) {
    const tar = await tarBytes([
      { name: 'etc/derived/', type: 'directory' },
      { name: `etc/derived/image-${i}.txt`, body: `derived image ${i} on ${base}\n` },
    ]);
    const gz = gzipSync(tar);
    const config: Config = {
      ...source.config,
      rootfs: { type: 'layers', diff_ids: [...source.config.rootfs.diff_ids, sha256(tar)] },
      history: [...(source.config.history ?? []), { created_by: `COPY image-${i}.txt /etc/derived/` }],
    };
    const manifest: Manifest = {
      ...source.manifest,
      config: { ...source.manifest.config, ...out.put(JSON.stringify(config)) },
      layers: [...source.manifest.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...out.put(gz) }],
    };
    out.tag(manifest, `derived-${i}`);
    refs.push(`oci:${out.dir}:derived-${i}`);
  }
  out.finish();
  const first = source.manifest.layers[0];
  if (!first) throw new Error(`${base}: no layers`);
  return { dir: out.dir, refs, baseBlob: out.blobPath(first.digest) };
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** `name`'s gzip layers recompressed with zstd (`zstd -3`); diff IDs and config unchanged. */
export async function zstdImage(name: string): Promise<{ dir: string; ref: string; tag: string }> {
  const source = testbedImage(name);
  const out = new Layout();
  const layers: Descriptor[] = [];
  for (const layer of source.manifest.layers) {
    if (!layer.mediaType.endsWith('+gzip')) throw new Error(`${name}: layer ${layer.digest} is not gzip`);
    const partial = join(out.dir, 'partial.zst');
    execFileSync('bash', ['-c', 'gzip -dc "$1" | zstd -q -3 -c >"$2"', 'bash', source.blob(layer.digest), partial]);
    const digest = await fileDigest(partial);
    const { size } = statSync(partial);
    renameSync(partial, out.blobPath(digest));
    layers.push({ mediaType: layer.mediaType.replace(/\+gzip$/, '+zstd'), digest, size });
  }
  out.share(source.blob(source.manifest.config.digest), source.manifest.config.digest);
  const tag = `${IMAGES[name]}-zstd`;
  out.tag({ ...source.manifest, layers }, tag);
  out.finish();
  return { dir: out.dir, ref: `oci:${out.dir}:${tag}`, tag };
}
