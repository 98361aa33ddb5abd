// Facts: small results derived from one file's body (the user table of etc/passwd, whether a dpkg
// config makes a slim image, an npm manifest's dependency names), extracted as the file's layer is
// applied and kept in that layer's cache record. A pass that reads a file of another layer (a final
// pass over the merged view, an analysis reading beside its own files) asks for the fact, never the
// body: a cached layer then answers from its record and is not read again. Records hold facts, never
// file contents.
import type { CapturedFile, FileInfo, FileRequest, ImageFilesystem, IndexedFile } from '../image/files.js';
import type { LayerEntry } from '../image/layer-reader.js';
import { wanted } from '../image/layer-reader.js';
import type { MergedFilesystem } from '../image/merged-fs.js';
import type { LayerFileRead } from '../image/scan.js';

export interface FileFact<T = unknown> {
  /** Unique among the facts of a scan; names the fact in layer records. */
  name: string;
  /** Bumped when `extract` changes: values a record holds under another version are not used. */
  version: number;
  /** The names the fact is looked up by (a symlink among them leads to the file whose fact it is). */
  wants(info: FileInfo): boolean;
  /** When it wants only a few names: those names, looked up in the final view even through a symlinked directory. */
  names?: readonly string[];
  /** Larger wanted files are skipped with a warning (default 64 MiB). */
  maxFileSize?: number;
  /** Plain JSON, from the body as the scan keeps it. */
  extract(file: CapturedFile): T;
}

/** The bodies facts are extracted from, to read with everything else in the one pass over the layers. */
export function factRequests(facts: readonly FileFact[]): FileRequest[] {
  return facts.map((f) => ({ name: `fact:${f.name}`, wants: f.wants, ...(f.maxFileSize ? { maxFileSize: f.maxFileSize } : {}) }));
}

/**
 * One fact's values in one layer, by merged-view path (null: the file had no body to read, too large).
 * A body some analyzer's reducer shrank (an executable reached through a symlink, read only by the
 * binary analyzers) gives other values than the whole body: those are kept apart, and used only by a
 * scan that keeps the same file reduced too.
 */
export interface FactValues {
  version: number;
  whole: Record<string, unknown>;
  reduced?: Record<string, unknown>;
  /**
   * For a fact without fixed `names`: the names the layer wrote that it wants but that have no value
   * here (symlinks, files kept without a body), so the final view's names are found without the listing.
   */
  others?: string[];
}

/** A layer's facts, by fact name. */
export type LayerFacts = Record<string, FactValues>;

/** What the final passes read: a fact of the file a name leads to in the merged view. */
export interface ImageFacts {
  /** The fact of the file at `path` (symlinks followed), or undefined when there is none or it had no body. */
  of<T>(fact: FileFact<T>, path: string): T | undefined;
  /** The fact of every file the merged view holds under a name the fact wants (symlinks left out). */
  all<T>(fact: FileFact<T>): T[];
}

/** Facts extracted from the bodies a filesystem holds (a fixture, an image read whole without a cache). */
export function bodyFacts(fs: ImageFilesystem): ImageFacts {
  return {
    of: <T>(fact: FileFact<T>, path: string): T | undefined => {
      const file = fs.read(path);
      return file && fact.extract(file);
    },
    all: <T>(fact: FileFact<T>): T[] => fs.captured((f) => fact.wants(f)).map((f) => fact.extract(f)),
  };
}

/** A file whose fact a known (unread) layer's record lacks: to read from that layer, as the layer's own read would have kept it. */
export type FactGap = LayerFileRead;

type Lookup = { value: unknown } | { gap: FactGap };

const isRegular = (file: IndexedFile | undefined): file is IndexedFile => file?.type === 'file' || file?.type === 'hardlink';

/**
 * One scan's facts, layer by layer: from a layer's record when it is known, else from the bodies its
 * read captured. Lookups follow the merged view to the layer that last wrote the file; a known layer
 * whose record lacks the value is a gap, read again from that layer alone. Values learnt after a
 * layer's record was stored are handed back (`grown`) to add to it.
 */
export class FactStore {
  private readonly layers: LayerFacts[] = [];
  private readonly known = new Set<number>();
  private readonly stored = new Set<number>();
  private readonly grew = new Set<number>();
  /** Names each final fact wants, by the layer that wrote them. */
  private readonly names = new Map<string, { layer: number; path: string }[]>();
  /** Files a gap read has been made for: what the view now holds of them is all there is. */
  private readonly reread = new Set<string>();
  /** The requests that shrink the bodies they keep. */
  private readonly reducers: readonly FileRequest[];

  /**
   * `facts`: every fact extracted; `final`: those the final passes read from the merged view (a subset);
   * `requests`: everything the scan reads from its layers (how each file's body is kept).
   */
  constructor(
    private readonly facts: readonly FileFact[],
    private readonly final: readonly FileFact[],
    private readonly requests: readonly FileRequest[],
  ) {
    for (const fact of final) this.names.set(fact.name, []);
    this.reducers = requests.filter((r) => r.reduce);
  }

  /**
   * Layer `index` has just been applied: takes its record's facts (`recorded`, for a known layer), or
   * extracts them from the files it wrote with their bodies (`captured`), and notes the names it wrote that facts want.
   */
  applied(index: number, entries: Iterable<LayerEntry>, source: { recorded: LayerFacts } | { captured: CapturedFile[] }): void {
    const layer: LayerFacts = (this.layers[index] ??= {});
    if ('recorded' in source) {
      this.known.add(index);
      this.stored.add(index);
      Object.assign(layer, source.recorded);
    } else {
      for (const fact of this.facts) {
        const values = this.values(index, fact).whole;
        for (const file of source.captured) if (values[file.path] === undefined && fact.wants(file)) values[file.path] = fact.extract(file);
      }
    }
    // The final view's names: a record's (and those of the layer's values), else from the listing.
    const listed = this.final.filter((fact) => !fact.names && !(layer[fact.name]?.version === fact.version && layer[fact.name]?.others));
    for (const fact of this.final) {
      const values = layer[fact.name];
      if (fact.names || !values || listed.includes(fact)) continue;
      const names = this.names.get(fact.name);
      for (const path of [...Object.keys(values.whole), ...(values.others ?? [])]) names?.push({ layer: index, path });
    }
    if (listed.length === 0) return;
    const others = new Map(listed.map((fact) => [fact, [] as string[]]));
    for (const entry of entries)
      for (const fact of listed) {
        if (!fact.wants(entry)) continue;
        this.names.get(fact.name)?.push({ layer: index, path: entry.path });
        if (this.values(index, fact).whole[entry.path] === undefined) others.get(fact)?.push(entry.path);
      }
    for (const [fact, paths] of others) this.values(index, fact).others = paths;
  }

  /** Layer `index`'s facts, for its record; later values mark it grown. */
  recorded(index: number): LayerFacts {
    this.stored.add(index);
    return this.layers[index] ?? {};
  }

  /** Layers whose facts grew after their record was stored. */
  grown(): { index: number; facts: LayerFacts }[] {
    return [...this.grew].map((index) => ({ index, facts: this.layers[index] ?? {} }));
  }

  /**
   * The fact of the file `path` leads to, as the view now stands. `late`: whether bodies read after the
   * merge (through symlinked names) count; a layer's analysis runs before them, so it sees none.
   */
  lookup<T>(fs: MergedFilesystem, fact: FileFact<T>, path: string, late: boolean): { value: T | undefined } | { gap: FactGap } {
    const name = fs.get(path);
    const file = name?.type === 'symlink' ? fs.resolve(path) : name;
    if (!name || !isRegular(file)) return { value: undefined };
    const found = this.find(fs, fact, file, path, late);
    return 'gap' in found ? found : { value: (found.value ?? undefined) as T | undefined };
  }

  private find(fs: MergedFilesystem, fact: FileFact, file: IndexedFile, alias: string, late: boolean): Lookup {
    const index = file.layer.index;
    // Only a request with a reducer can make the kept body a reduced one: the other requests (a few dozen
    // predicates) are asked only when the value is not stored.
    const reduced = this.reducers.some((r) => r.wants(file)) && wanted(this.requests, file)?.reduce !== undefined;
    const kind = reduced ? 'reduced' : 'whole';
    const stored = this.values(index, fact)[kind]?.[file.path];
    if (stored !== undefined) return { value: stored };
    const own = wanted(this.requests, file);
    const body = fs.read(file.path);
    if (body) return { value: this.remember(index, fact, kind, file.path, fact.extract(body)) };
    if (this.reread.has(`${index}\n${file.path}`)) return { value: this.remember(index, fact, kind, file.path, null) };
    // Bodies read after the merge are those wanted only under a symlinked name.
    const want = own ?? (late ? wanted(this.requests, { ...file, path: alias }) : undefined);
    // Nothing was kept: too large, or wanted by no one (yet); a read layer kept every file wanted under its own name.
    if (!want || file.size > want.limit || (own && !this.known.has(index))) return { value: null };
    return { gap: { layer: index, path: file.path, want } };
  }

  /** Notes that the gaps have been read: their files now hold whatever body there was. */
  filled(gaps: readonly FactGap[]): void {
    for (const gap of gaps) this.reread.add(`${gap.layer}\n${gap.path}`);
  }

  /**
   * Every fact of every file the final view holds under a name the fact wants, or the gaps to read
   * first. `fs` is the final view.
   */
  plan(fs: MergedFilesystem): { facts: ImageFacts } | { gaps: FactGap[] } {
    const gaps: FactGap[] = [];
    const byFact = new Map<string, Map<string, { value: unknown; regular: boolean }>>();
    for (const fact of this.final) {
      const seen = new Map<string, { value: unknown; regular: boolean }>();
      byFact.set(fact.name, seen);
      const asked = [...(this.names.get(fact.name) ?? []), ...(fact.names ?? []).map((path) => ({ layer: undefined, path }))];
      for (const { layer, path } of asked) {
        const name = fs.get(path);
        // A layer's name counts while that layer's entry is the view's, under a name the fact still wants (values may be of a symlink's target).
        if (!name || (layer !== undefined && (name.layer.index !== layer || !fact.wants(name))) || seen.has(name.path)) continue;
        const found = this.lookup(fs, fact, path, true);
        if ('gap' in found) gaps.push(found.gap);
        else seen.set(name.path, { value: found.value, regular: name.type !== 'symlink' });
      }
    }
    if (gaps.length > 0) return { gaps };
    return {
      facts: {
        of: <T>(fact: FileFact<T>, path: string): T | undefined => {
          const name = fs.get(path);
          return name && (byFact.get(fact.name)?.get(name.path)?.value as T | undefined);
        },
        all: <T>(fact: FileFact<T>): T[] =>
          [...(byFact.get(fact.name)?.values() ?? [])].flatMap((v) => (v.regular && v.value !== undefined ? [v.value as T] : [])),
      },
    };
  }

  private values(index: number, fact: FileFact): FactValues {
    const layer = (this.layers[index] ??= {});
    let values = layer[fact.name];
    if (!values || values.version !== fact.version) values = layer[fact.name] = { version: fact.version, whole: {} };
    return values;
  }

  private remember(index: number, fact: FileFact, kind: 'whole' | 'reduced', path: string, value: unknown): unknown {
    const values = this.values(index, fact);
    (values[kind] ??= {})[path] = value;
    if (this.stored.has(index)) this.grew.add(index);
    return value;
  }
}
