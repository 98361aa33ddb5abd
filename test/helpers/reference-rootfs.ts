// The reference unpacker: `umoci unpack` of a testbed image (as truth.sh does it),
// listed with lstat, to compare with what Plimsoll's file index reports.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TESTBED } from './testbed.js';

export interface RefRow {
  path: string;
  type: string;
  mode: string;
  size: number;
  linkTarget?: string;
}

const CACHE = join(tmpdir(), 'plimsoll-umoci-reference');

/**
 * Unpacks NAME:TAG (one platform of an index, or a zstd image recompressed to
 * gzip first, since umoci cannot read zstd) and returns the rootfs path.
 * Cached by manifest digest so each image is unpacked once per test run (the runner's TMPDIR).
 */
export function referenceRootfs(name: string, tag: string, platform?: string): string {
  const layout = join(TESTBED, 'oci', name);
  const skopeoArgs = platform ? ['--override-os', platform.split('/')[0] as string, '--override-arch', platform.split('/')[1] as string] : [];
  const digest = execFileSync('skopeo', [...skopeoArgs, 'inspect', '--format', '{{.Digest}}', `oci:${layout}:${tag}`], { encoding: 'utf8' }).trim();
  const bundle = join(CACHE, `${name}-${(platform ?? 'default').replace('/', '-')}-${digest.slice(7, 19)}`);
  if (existsSync(join(bundle, 'done'))) return join(bundle, 'rootfs');
  // Test files run in parallel and may want the same image: each unpacks into a directory of its own
  // and renames it into place whole, so no one ever lists a half-unpacked or half-deleted bundle.
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(`${bundle}-tmp-`);
  try {
    const copy = join(work, 'layout');
    const unpacked = join(work, 'bundle');
    // One platform, gzip layers: a layout umoci can unpack.
    execFileSync('skopeo', [...skopeoArgs, 'copy', '-q', '--dest-compress-format', 'gzip', `oci:${layout}:${tag}`, `oci:${copy}:${tag}`]);
    execFileSync('umoci', ['unpack', '--image', `${copy}:${tag}`, unpacked], { stdio: 'ignore' });
    writeFileSync(join(unpacked, 'done'), '');
    try {
      renameSync(unpacked, bundle);
    } catch (err) {
      // Another test file got there first with the same image.
      if (!existsSync(join(bundle, 'done'))) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return join(bundle, 'rootfs');
}

const TYPE_BITS: [number, string][] = [
  [0o100000, 'file'],
  [0o040000, 'dir'],
  [0o120000, 'symlink'],
  [0o020000, 'char'],
  [0o060000, 'block'],
  [0o010000, 'fifo'],
];

/** Lists a root filesystem as rows comparable with `plimsoll files --format json`. */
export function listRootfs(root: string): RefRow[] {
  const rows: RefRow[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, path));
      const type = TYPE_BITS.find(([bits]) => (st.mode & 0o170000) === bits)?.[1] ?? 'other';
      const row: RefRow = { path, type, mode: (st.mode & 0o7777).toString(8).padStart(5, '0'), size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') row.linkTarget = readlinkSync(join(root, path));
      rows.push(row);
      if (type === 'dir') walk(path);
    }
  };
  walk('');
  return rows.sort((a, b) => (a.path < b.path ? -1 : 1));
}
