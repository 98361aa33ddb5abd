// What Plimsoll knows of one package ecosystem, declared once in src/ecosystems/<type>/index.ts and
// listed in list.ts, from which the package types, the analyzer list, the OS test, the advisory
// ecosystems and the version schemes are all derived.
import type { Analyzer } from '../inventory/analyzer.js';
import type { RangeComparators } from '../match/osv-range.js';
import type { OsInfo } from '../model/os.js';
import type { Package } from '../model/package.js';
import type { VersionScheme } from '../versions/scheme.js';

/**
 * When an analyzer runs. OS package databases come first (language analyzers skip the files they own),
 * then manifests and lock files, then compiled artifacts; identification by bytes alone comes last,
 * so it leaves alone what the others identified. Analyzers of one stage do not read one another's
 * packages; they run in the order of their types' names (list.ts).
 */
export const ANALYZER_STAGES = ['os', 'manifest', 'binary', 'fingerprint'] as const;
export type AnalyzerStage = (typeof ANALYZER_STAGES)[number];

/** A language registry's advisory ecosystem, as OSV names it. */
export interface LanguageEcosystem {
  ecosystem: string;
  comparators: RangeComparators;
  /** A fixed version as the package manager spells it (Go module versions take a `v`). */
  display?: (version: string) => string;
}

/** A distribution release as the database names it, and how its packages are keyed. */
export interface OsEcosystem {
  ecosystem: string;
  packageType: string;
  comparators: RangeComparators;
  /** The names advisories may file the package under: the source package first. */
  names(p: Package): string[];
  /** The version advisories' ranges are written in (Debian's are source versions). */
  version(p: Package): string;
  /** The distribution's own rating is read from the tracker's urgency (Debian) or the record's severity (Ubuntu). */
  family: string;
}

/** An OS release split for matching: lower-case family, and the major and minor parts of its version. */
export interface OsRelease {
  os: OsInfo;
  family: string;
  major: string;
  minor: string;
  /** Whether the major part is a number (not `edge`, `trixie/sid`...). */
  numeric: boolean;
}

export interface Ecosystem<T extends string = string, V extends Readonly<Record<string, VersionScheme>> = Readonly<Record<string, VersionScheme>>> {
  /** The `type` of its packages in reports, and the name of its folder. */
  readonly type: T;
  /** The purl type its purls carry (its own builder is exported from its folder's index.ts). */
  readonly purlType: string;
  /** Installed by the distribution's package manager, and matched against the distribution's advisories. */
  readonly os: boolean;
  readonly analyzers: readonly { readonly stage: AnalyzerStage; readonly analyzer: Analyzer }[];
  /** Its version order(s), keyed by scheme name: the library's `versions.<name>`. */
  readonly versions: V;
  /** The language advisory ecosystem; without one (and not OS), its packages are matched through NVD CPEs. */
  readonly advisories?: LanguageEcosystem;
  /**
   * OS ecosystems: the distribution families it packages, and for a release of one of them the
   * advisory ecosystem, or why the database cannot have one.
   */
  readonly releases?: { readonly families: readonly string[]; ecosystem(release: OsRelease): OsEcosystem | { reason: string } };
}

/** Declares an ecosystem, keeping its literal type name and scheme names for the registry's derived types. */
export function defineEcosystem<const T extends string, const V extends Readonly<Record<string, VersionScheme>>>(ecosystem: Ecosystem<T, V>): Ecosystem<T, V> {
  return ecosystem;
}
