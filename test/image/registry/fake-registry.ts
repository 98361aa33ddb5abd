// Loopback HTTP(S) servers for what the testbed registry cannot show
// (token realms, 429s, redirects, corrupt blobs, TLS), and a small hand-made image to serve.
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeServer {
  /** host:port, as a registry reference names it. */
  registry: string;
  port: number;
  /** Every request received, in order. */
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler, opts: { host?: string; tls?: { key: string; cert: string } } = {}): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const listener: Handler = (req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    handler(req, res);
  };
  const server = opts.tls ? https.createServer(opts.tls, listener) : http.createServer(listener);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    registry: `${host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A hand-made single-layer image; the layer is opaque bytes (the registry source never unpacks it). */
export interface HandMadeImage {
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  configDigest: string;
  layer: Buffer;
  layerDigest: string;
}

export function handMadeImage(): HandMadeImage {
  const layer = Buffer.alloc(200_000, 'plimsoll layer bytes ');
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: '1000' }, rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    }),
  );
  return { manifest, manifestDigest: sha256(manifest), config, configDigest: sha256(config), layer, layerDigest: sha256(layer) };
}

/**
 * Answers /v2/, the image's manifest (by tag "1.0" or digest) and its blobs
 * for repository `repo`; returns false for any other path.
 */
export function serveImage(image: HandMadeImage, repo: string, req: IncomingMessage, res: ServerResponse, blobs: Record<string, Buffer> = {}): boolean {
  const path = req.url ?? '';
  if (path === '/v2/') {
    res.end('{}');
    return true;
  }
  if (path === `/v2/${repo}/manifests/1.0` || path === `/v2/${repo}/manifests/${image.manifestDigest}`) {
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': image.manifestDigest });
    res.end(image.manifest);
    return true;
  }
  const all: Record<string, Buffer> = { [image.configDigest]: image.config, [image.layerDigest]: image.layer, ...blobs };
  const blob = path.startsWith(`/v2/${repo}/blobs/`) ? all[path.slice(`/v2/${repo}/blobs/`.length)] : undefined;
  if (blob) {
    res.writeHead(200, { 'content-length': blob.length });
    res.end(blob);
    return true;
  }
  if (path.startsWith(`/v2/${repo}/manifests/`)) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
    return true;
  }
  return false;
}

/** Reads a layer stream to the end; returns the number of bytes. */
export async function drain(stream: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
}
