// What an analyzer sees of one layer: the files it wrote, over the image as it stands after it.
import type { CapturedFile, ImageFilesystem, IndexedFile } from '../image/files.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import type { LayerFilesystem } from './analyzer.js';
import { bodyFacts, type FactGap, type FileFact } from './facts.js';

/** A fact as the view stands, or the gap to read first (a known layer's record lacks it). */
export type FactLookup = <T>(fact: FileFact<T>, path: string) => { value: T | undefined } | { gap: FactGap };

/**
 * Layer `index` of a merged view that has just applied it (or the final view, for a layer whose
 * bodies were read late): its source files are the captured files it wrote that are still there.
 */
export class LayerView implements LayerFilesystem {
  private files: CapturedFile[] | undefined;
  /** Facts asked for that a known layer's record lacked: the analysis is run again once they are read. */
  readonly gaps: FactGap[] = [];

  constructor(
    private readonly fs: MergedFilesystem,
    private readonly index: number,
    private readonly lookup: FactLookup,
  ) {}

  get(path: string): IndexedFile | undefined {
    return this.fs.get(path);
  }

  resolve(path: string): IndexedFile | undefined {
    return this.fs.resolve(path);
  }

  realPath(path: string): string | undefined {
    return this.fs.realPath(path);
  }

  entries(): IterableIterator<IndexedFile> {
    return this.fs.entries();
  }

  read(path: string): CapturedFile | undefined {
    const file = this.fs.read(path);
    return file?.layer.index === this.index ? file : undefined;
  }

  fact<T>(fact: FileFact<T>, path: string): T | undefined {
    const found = this.lookup(fact, path);
    if ('value' in found) return found.value;
    this.gaps.push(found.gap);
    return undefined;
  }

  captured(filter?: (file: CapturedFile) => boolean): CapturedFile[] {
    this.files ??= this.fs.capturedFrom(this.index);
    return filter ? this.files.filter(filter) : [...this.files];
  }
}

/** An image filesystem analysed as if one layer had written all of it (a test fixture, a merged view). */
export function wholeImage(fs: ImageFilesystem): LayerFilesystem {
  const facts = bodyFacts(fs);
  return {
    get: (path) => fs.get(path),
    resolve: (path) => fs.resolve(path),
    realPath: (path) => fs.realPath(path),
    entries: () => fs.entries(),
    read: (path) => fs.read(path),
    fact: (fact, path) => facts.of(fact, path),
    captured: (filter) => fs.captured(filter),
  };
}
