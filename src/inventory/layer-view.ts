// What an analyzer sees of one layer: the files it wrote, over the image as it stands after it.
import type { CapturedFile, ImageFilesystem, IndexedFile } from '../image/files.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import type { LayerFilesystem } from './analyzer.js';

/**
 * Layer `index` of a merged view that has just applied it (or the final view, for a layer whose
 * bodies were read late): its source files are the captured files it wrote that are still there.
 */
export class LayerView implements LayerFilesystem {
  private files: CapturedFile[] | undefined;

  constructor(
    private readonly fs: MergedFilesystem,
    private readonly index: number,
  ) {}

  get(path: string): IndexedFile | undefined {
    return this.fs.get(path);
  }

  resolve(path: string): IndexedFile | undefined {
    return this.fs.resolve(path);
  }

  entries(): IterableIterator<IndexedFile> {
    return this.fs.entries();
  }

  read(path: string): CapturedFile | undefined {
    const file = this.fs.read(path);
    return file?.layer.index === this.index ? file : undefined;
  }

  readVisible(path: string): CapturedFile | undefined {
    return this.fs.read(path);
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    this.files ??= this.fs.capturedFrom(this.index);
    return filter ? this.files.filter(filter) : [...this.files];
  }
}

/** An image filesystem analysed as if one layer had written all of it (a test fixture, a merged view). */
export function wholeImage(fs: ImageFilesystem): LayerFilesystem {
  return {
    get: (path) => fs.get(path),
    resolve: (path) => fs.resolve(path),
    entries: () => fs.entries(),
    read: (path) => fs.read(path),
    readVisible: (path) => fs.read(path),
    captured: (filter) => fs.captured(filter),
  };
}
