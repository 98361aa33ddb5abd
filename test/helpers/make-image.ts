// Hand-written test images: an OCI layout built in a temp dir from tar entries
// the test names, with real tar and gzip bytes and correct digests (unless a
// test breaks them on purpose).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

export interface TarEntry extends Partial<Header> {
  name: string;
  body?: string | Buffer;
}

export async function tarBytes(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c) => chunks.push(c as Buffer));
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) =>
      p.entry({ mode: header.type === 'directory' ? 0o755 : 0o644, ...header }, body ?? '', (err) => (err ? reject(err) : resolve())),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface LayoutLayer {
  /** The blob as stored (gzip, zstd or plain tar bytes). */
  blob: Buffer;
  /** The uncompressed tar, for the config's diff_ids (defaults to blob). */
  tar?: Buffer;
  mediaType?: string;
  /** Digest written in the manifest (defaults to the blob's real digest). */
  digest?: string;
  /** Size written in the manifest (defaults to the blob's real size). */
  size?: number;
}

/** Writes an OCI layout with one image tagged `tag`; returns its directory. */
export function writeLayout(
  layers: LayoutLayer[],
  options: { tag?: string; config?: object; indexJson?: string; annotations?: Record<string, string> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-test-layout-'));
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer | string): { digest: string; size: number } => {
    const digest = sha256(bytes);
    writeFileSync(join(blobs, digest.slice(7)), bytes);
    return { digest, size: Buffer.byteLength(bytes) };
  };
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.tar ?? l.blob)) },
    history: layers.map((_, i) => ({ created_by: `test layer ${i}` })),
    ...options.config,
  });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
    layers: layers.map((l) => {
      const stored = put(l.blob);
      return { mediaType: l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', size: l.size ?? stored.size, digest: l.digest ?? stored.digest };
    }),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
  const m = put(manifest);
  const index = {
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': options.tag ?? 'test' } }],
  };
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), options.indexJson ?? JSON.stringify(index));
  return dir;
}

/** A gzip layer from tar entries. */
export async function gzLayer(entries: TarEntry[]): Promise<LayoutLayer> {
  const tar = await tarBytes(entries);
  return { blob: gzipSync(tar), tar };
}
