// Test-only ImageFilesystem: reads a testbed OCI layout's layers (gzip, zstd or plain tar), applies
// whiteouts and keeps the bodies of wanted files, so the OS analyzers can be tested with real layer
// refs before the project's file index exists. Implements only what the analyzers use.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decompress } from 'fzstd';
import { extract } from 'tar-stream';
import type { CapturedFile, FileInfo, FileType, ImageFilesystem, IndexedFile, LayerRef } from '../../src/image/files.js';

interface Node {
  info: IndexedFile;
  body?: Buffer;
}

function blob(layout: string, digest: string): Buffer {
  return readFileSync(posix.join(layout, 'blobs', ...digest.split(':')));
}

interface Descriptor {
  mediaType: string;
  digest: string;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}

/** The manifest of `tag`, following an index to `arch` when the tag names one. */
function manifestOf(layout: string, tag: string, arch: string): { layers: Descriptor[]; config: Descriptor } {
  const index = JSON.parse(readFileSync(posix.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  let desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!desc) throw new Error(`${layout}: no tag ${tag}`);
  if (desc.mediaType.endsWith('index.v1+json')) {
    const inner = JSON.parse(blob(layout, desc.digest).toString('utf8')) as { manifests: Descriptor[] };
    desc = inner.manifests.find((m) => m.platform?.architecture === arch);
    if (!desc) throw new Error(`${layout}:${tag}: no ${arch} manifest`);
  }
  return JSON.parse(blob(layout, desc.digest).toString('utf8')) as { layers: Descriptor[]; config: Descriptor };
}

function tarStream(layout: string, layer: Descriptor): Readable {
  const bytes = blob(layout, layer.digest);
  if (layer.mediaType.endsWith('+zstd')) return Readable.from([Buffer.from(decompress(bytes))]);
  const raw = Readable.from([bytes]);
  return layer.mediaType.endsWith('gzip') ? raw.pipe(createGunzip()) : raw;
}

const TYPES: Record<string, FileType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

function normalise(name: string): string {
  const p = posix.normalize(`/${name}`).slice(1);
  return p.endsWith('/') ? p.slice(0, -1) : p;
}

function removeTree(nodes: Map<string, Node>, path: string, below: number = Infinity, keepSelf = false): void {
  for (const key of nodes.keys()) {
    const inside = key === path ? !keepSelf : key.startsWith(`${path}/`);
    if (inside && nodes.get(key)!.info.layer.index < below) nodes.delete(key);
  }
}

class LayoutFilesystem implements ImageFilesystem {
  constructor(private readonly nodes: Map<string, Node>) {}

  get(path: string): IndexedFile | undefined {
    return this.nodes.get(normalise(path))?.info;
  }

  resolve(path: string): IndexedFile | undefined {
    const node = this.resolveNode(normalise(path), 0);
    return node?.info;
  }

  private resolveNode(path: string, hops: number): Node | undefined {
    if (hops > 40) return undefined;
    const parts = path.split('/').filter((p) => p !== '');
    let current = '';
    for (let i = 0; i < parts.length; i++) {
      const next = current ? `${current}/${parts[i]}` : parts[i]!;
      const node = this.nodes.get(next);
      if (!node) return undefined;
      if (node.info.type === 'symlink') {
        const target = node.info.linkTarget ?? '';
        const base = target.startsWith('/') ? target : posix.join(posix.dirname(`/${next}`), target);
        return this.resolveNode(normalise([base, ...parts.slice(i + 1)].join('/')), hops + 1);
      }
      current = next;
    }
    return this.nodes.get(current);
  }

  *entries(): IterableIterator<IndexedFile> {
    for (const key of [...this.nodes.keys()].sort()) yield this.nodes.get(key)!.info;
  }

  read(path: string): CapturedFile | undefined {
    let node = this.resolveNode(normalise(path), 0);
    if (node?.info.type === 'hardlink') node = this.nodes.get(node.info.linkTarget ?? '');
    return node?.body ? { ...node.info, body: node.body } : undefined;
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    const files: CapturedFile[] = [];
    for (const node of this.nodes.values()) {
      if (!node.body) continue;
      const file = { ...node.info, body: node.body };
      if (!filter || filter(file)) files.push(file);
    }
    return files;
  }
}

/** Builds the merged filesystem of `layout:tag` (platform `arch` of an index), keeping bodies of `wants` files. */
export async function fsFromLayout(layout: string, tag: string, wants: (info: FileInfo) => boolean, arch = 'amd64'): Promise<ImageFilesystem> {
  const manifest = manifestOf(layout, tag, arch);
  const config = JSON.parse(blob(layout, manifest.config.digest).toString('utf8')) as {
    rootfs?: { diff_ids?: string[] };
    history?: { created_by?: string; empty_layer?: boolean }[];
  };
  const history = (config.history ?? []).filter((h) => !h.empty_layer);
  const nodes = new Map<string, Node>();
  for (const [index, layer] of manifest.layers.entries()) {
    const ref: LayerRef = { index, digest: layer.digest, diffId: config.rootfs?.diff_ids?.[index], createdBy: history[index]?.created_by };
    const tar = extract();
    tar.on('entry', (header, stream, next) => {
      const path = normalise(header.name);
      const base = posix.basename(path);
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (path === '') return next();
        if (base === '.wh..wh..opq') removeTree(nodes, dir, index, true);
        else if (base.startsWith('.wh.')) removeTree(nodes, dir ? `${dir}/${base.slice(4)}` : base.slice(4), index);
        else {
          const type = TYPES[header.type ?? 'file'] ?? 'file';
          if (type !== 'dir') removeTree(nodes, path);
          const info: IndexedFile = {
            path,
            type,
            mode: header.mode ?? 0,
            size: header.size ?? 0,
            ...(header.linkname ? { linkTarget: type === 'hardlink' ? normalise(header.linkname) : header.linkname } : {}),
            uid: header.uid,
            gid: header.gid,
            layer: ref,
          };
          nodes.set(path, { info, ...(type === 'file' && wants(info) ? { body: Buffer.concat(chunks) } : {}) });
        }
        next();
      });
    });
    await new Promise<void>((resolve, reject) => {
      tar.on('finish', resolve);
      tar.on('error', reject);
      const source = tarStream(layout, layer);
      source.on('error', reject);
      source.pipe(tar);
    });
  }
  return new LayoutFilesystem(nodes);
}

/** A filesystem of hand-written files (all in layer 0), for fixtures that no testbed image has. */
export function fsFromFiles(files: Record<string, string | { symlink: string } | { dir: true }>): ImageFilesystem {
  const layer: LayerRef = { index: 0, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000' };
  const nodes = new Map<string, Node>();
  for (const [path, content] of Object.entries(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!nodes.has(dir)) nodes.set(dir, { info: { path: dir, type: 'dir', mode: 0o755, size: 0, layer } });
    }
    if (typeof content === 'string') {
      const body = Buffer.from(content);
      nodes.set(path, { info: { path, type: 'file', mode: 0o644, size: body.length, layer }, body });
    } else if ('symlink' in content) {
      nodes.set(path, { info: { path, type: 'symlink', mode: 0o777, size: 0, linkTarget: content.symlink, layer } });
    } else {
      nodes.set(path, { info: { path, type: 'dir', mode: 0o755, size: 0, layer } });
    }
  }
  return new LayoutFilesystem(nodes);
}
