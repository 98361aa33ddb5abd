import type { ImageFilesystem, IndexedFile } from '../image/files.js';

/** One row of `plimsoll files --format json`. */
export interface FileRow {
  path: string;
  type: IndexedFile['type'];
  mode: string;
  size: number;
  linkTarget?: string;
  layer: { index: number; digest: string };
}

export function fileRows(fs: ImageFilesystem): FileRow[] {
  const rows: FileRow[] = [];
  for (const f of fs.entries()) {
    rows.push({
      path: f.path,
      type: f.type,
      mode: f.mode.toString(8).padStart(5, '0'),
      size: f.size,
      ...(f.linkTarget !== undefined ? { linkTarget: f.linkTarget } : {}),
      layer: { index: f.layer.index, digest: f.layer.digest },
    });
  }
  return rows;
}

const TYPE_CHAR: Record<IndexedFile['type'], string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c', block: 'b', fifo: 'p' };

/** `ls -l`-like lines with the layer that wrote each path. */
export function renderFilesTable(rows: FileRow[]): string {
  return rows
    .map((r) => {
      const link = r.linkTarget !== undefined ? ` -> ${r.linkTarget}` : '';
      return `${TYPE_CHAR[r.type]}${r.mode} ${String(r.size).padStart(10)}  L${r.layer.index} ${r.layer.digest.slice(7, 19)}  ${r.path}${link}`;
    })
    .join('\n')
    .concat(rows.length > 0 ? '\n' : '');
}
