// The applier: merges what the analyzers found in each layer, bottom-up, into the image's inventory.
// Whiteouts and rewrites apply to packages as to files, one rule says for every ecosystem which layer
// introduced a package, and language packages an OS package installed become that package's identity.
import type { ImageFilesystem } from '../image/files.js';
import type { LayerRef } from '../model/layer.js';
import type { OsInfo } from '../model/os.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';
import type { Analyzer, AnalyzerResult, ArtifactIndex, FinishContext } from './analyzer.js';
import type { ImageFacts } from './facts.js';
import { detectOsIn } from './distro.js';

/** What one layer's analysis left: plain JSON data, so it can be cached by the layer's digest. */
export interface LayerAnalysis {
  /** Each analyzer's result, by analyzer name. */
  analyzers: Record<string, AnalyzerResult>;
  /** The OS release files the layer wrote, by path, as text. */
  osFiles: Record<string, string>;
  /** The files the layer wrote that an analyzer reads (whether or not they gave packages). */
  sources: string[];
}

export interface AppliedLayer {
  /** Absent when one pseudo-layer stands for a whole merged view: its packages keep the layers their files name. */
  ref?: LayerRef;
  analysis: LayerAnalysis;
  /** Whether the layer wrote or deleted the file at `path` (a path in the merged view). */
  touches(path: string): boolean;
}

export interface ApplyInput {
  /** Bottom-up: `layers[i]` is layer index i. */
  layers: readonly AppliedLayer[];
  /** The merged view, for the final passes. */
  fs: ImageFilesystem;
  /** Facts of the merged view's files, for the final passes (the analyzers' `finishFacts`; see inventory/facts.ts). */
  facts: ImageFacts;
  /** The index of the layer the merged view's entry for `path` came from (none when the path is gone). */
  lastWriter(path: string): number | undefined;
  analyzers: readonly Analyzer[];
  artifactIndex?: ArtifactIndex;
}

export interface AppliedInventory {
  os?: OsInfo;
  packages: Package[];
  warnings: ScanWarning[];
}

/** The image file a package was read from (the outer archive of a nested jar). */
export function sourcePath(pkg: Package): string {
  const path = pkg.locations[0]?.path ?? '';
  const nested = path.indexOf('!/');
  return nested < 0 ? path : path.slice(0, nested);
}

const identity = (p: Package): string => `${p.type}\n${p.name}\n${p.version}\n${p.arch ?? ''}`;

/** One analyzer's packages by source file and identity, per layer, built as the walk down asks. */
class LayerIndex {
  private readonly built = new Map<number, Map<string, Set<string>>>();

  constructor(
    private readonly layers: readonly AppliedLayer[],
    private readonly analyzer: string,
  ) {}

  /** The identities layer `index` found in `path`, or undefined when it found nothing there. */
  at(index: number, path: string): Set<string> | undefined {
    let byPath = this.built.get(index);
    if (!byPath) {
      byPath = new Map();
      for (const p of this.layers[index]?.analysis.analyzers[this.analyzer]?.packages ?? []) {
        const source = sourcePath(p);
        const set = byPath.get(source) ?? new Set<string>();
        set.add(identity(p));
        byPath.set(source, set);
      }
      this.built.set(index, byPath);
    }
    return byPath.get(path);
  }
}

/**
 * The layer that introduced a package found in `path` by layer `top`: the lowest of the unbroken run
 * of layers below that wrote the same file and still recorded the same package (type, name, version,
 * arch). A layer that rewrote or deleted the file without it breaks the run; layers that did not touch
 * the file are passed over. (debian-app's top layer rewrote dpkg's `status` with a purge: the base
 * packages stay in the base layer.)
 */
function introducedIn(input: ApplyInput, index: LayerIndex, pkg: Package, path: string, top: number): number {
  const key = identity(pkg);
  let layer = top;
  for (let below = top - 1; below >= 0; below--) {
    const found = index.at(below, path);
    if (found?.has(key)) layer = below;
    else if (found || input.layers[below]?.touches(path)) break;
  }
  return layer;
}

/** Whether a layer's finding about `path` still holds: the merged view's entry for it came from that layer. */
function survivor(input: ApplyInput): (path: string | undefined, layer: number) => boolean {
  const writers = new Map<string, number | undefined>();
  return (path, layer) => {
    if (path === undefined) return true;
    if (!writers.has(path)) writers.set(path, input.lastWriter(path));
    return writers.get(path) === layer;
  };
}

/** The OS, detected from the release files that survived (each read from the layer that wrote it). */
function detectFinalOs(input: ApplyInput): OsInfo | undefined {
  const text = (path: string): string | undefined => {
    const entry = input.fs.resolve(path);
    const layer = entry && input.lastWriter(entry.path);
    return layer === undefined ? undefined : input.layers[layer]?.analysis.osFiles[entry?.path ?? ''];
  };
  return detectOsIn({ text, resolve: (path) => input.fs.resolve(path) });
}

/** Merges the layers' analyses bottom-up into the image's OS, packages and warnings. */
export function applyLayers(input: ApplyInput): AppliedInventory {
  const os = detectFinalOs(input);
  const survives = survivor(input);
  const warnings: ScanWarning[] = [];
  /** Surviving packages by analyzer, in analyzer order. */
  const found: { analyzer: Analyzer; packages: Package[] }[] = [];
  /** Surviving files whose packages' identities go on an owning OS package, by analyzer. */
  const identityFiles = new Set<string>();
  for (const analyzer of input.analyzers) {
    const index = new LayerIndex(input.layers, analyzer.name);
    let packages: Package[] = [];
    const unidentified: FinishContext['unidentified'] = [];
    input.layers.forEach((layer, i) => {
      const result = layer.analysis.analyzers[analyzer.name];
      if (!result) return;
      for (const p of result.packages) {
        const path = sourcePath(p);
        if (!survives(path, i)) continue;
        const introduced = input.layers[introducedIn(input, index, p, path, i)]?.ref;
        const pkg = introduced ? { ...p, locations: p.locations.map((l) => ({ ...l, layer: introduced })) } : p;
        packages.push(pkg);
      }
      for (const path of result.identityFiles ?? []) if (survives(path, i)) identityFiles.add(`${analyzer.name}\n${path}`);
      warnings.push(...result.warnings.filter((w) => survives(w.path?.split('!/')[0], i)));
      const ref = layer.ref;
      for (const u of result.unidentified ?? [])
        if (survives(u.path.split('!/')[0], i))
          unidentified.push({ ...u, layer: ref ?? input.fs.get(u.path.split('!/')[0] ?? '')?.layer ?? { index: i, digest: '' } });
    });
    if (analyzer.finish) {
      const finished = analyzer.finish({
        fs: input.fs,
        facts: input.facts,
        ...(os ? { os } : {}),
        packages,
        unidentified,
        ...(input.artifactIndex ? { artifactIndex: input.artifactIndex } : {}),
      });
      packages = finished.packages;
      warnings.push(...finished.warnings);
    }
    found.push({ analyzer, packages });
  }
  return { ...(os ? { os } : {}), packages: dropOwned(input, found, identityFiles), warnings };
}

/**
 * Language packages read from a file an OS package installed are that package's, not packages of their
 * own: installed metadata and binaries become its `languagePurl` (space-separated), lock files are dropped.
 */
function dropOwned(input: ApplyInput, found: { analyzer: Analyzer; packages: Package[] }[], identityFiles: Set<string>): Package[] {
  const osPackages = new Map<string, Package>();
  for (const { analyzer, packages } of found) if (analyzer.ownsFiles) for (const p of packages) osPackages.set(p.id, p);
  const owned = new Map<string, string>();
  for (const layer of input.layers) {
    for (const { analyzer } of found) {
      const files = analyzer.ownsFiles ? layer.analysis.analyzers[analyzer.name]?.ownedFiles : undefined;
      for (const [owner, paths] of Object.entries(files ?? {})) if (osPackages.has(owner)) for (const path of paths) owned.set(path, owner);
    }
  }
  const purls = new Map<Package, Set<string>>();
  const out: Package[] = [];
  for (const { analyzer, packages } of found) {
    for (const p of packages) {
      const source = sourcePath(p);
      const owner = analyzer.ownsFiles ? undefined : osPackages.get(owned.get(source) ?? '');
      if (!owner) {
        out.push(p);
        continue;
      }
      if (!identityFiles.has(`${analyzer.name}\n${source}`)) continue;
      const known =
        purls.get(owner) ??
        new Set(
          String(owner.metadata?.languagePurl ?? '')
            .split(' ')
            .filter(Boolean),
        );
      known.add(p.purl);
      purls.set(owner, known);
    }
  }
  for (const [owner, known] of purls) owner.metadata = { ...owner.metadata, languagePurl: [...known].join(' ') };
  return out;
}
