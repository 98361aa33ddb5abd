import { fileRows, renderFilesTable } from '../../report/files.js';
import type { FilesOptions } from '../commands/files.js';
import { loadImage } from '../load-image.js';
import { writeOutput } from '../output.js';

/** `plimsoll files`: the merged filesystem, one row per path. */
export async function runFiles(ref: string | undefined, opts: FilesOptions): Promise<void> {
  const { contents } = await loadImage(ref, opts);
  const rows = fileRows(contents.fs);
  await writeOutput(opts.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderFilesTable(rows), opts.output);
}
