import type { InventoryResult } from '../inventory/run.js';
import type { ResolvedImage } from '../image/types.js';
import type { Inventory } from '../model/inventory.js';
import type { Package } from '../model/package.js';
import type { ScanWarning } from '../model/warning.js';
import type { HardeningResult } from '../hardening/run.js';
import type { Coverage, MatchResult, Priority, Vulnerability } from '../match/types.js';
import type { PolicyResult } from '../policy/apply.js';
import type { Finding } from '../model/finding.js';
import { buildArtifact, type Artifact } from './artifact.js';
import { countBySeverity } from '../model/severity.js';
import { countByPriority } from '../match/priority.js';
import type { OsInfo } from '../model/os.js';

/** A package as the JSON contract spells it: locations name their layer by digest. */
export interface ReportPackage extends Omit<Package, 'locations'> {
  locations: { path: string; layer: string; layerIndex: number }[];
}

/** A finding as the JSON contract spells it: layers named by digest. */
export interface ReportFinding extends Omit<Finding, 'layer' | 'deletedIn'> {
  layer?: string;
  layerIndex?: number;
  deletedIn?: string;
  deletedInIndex?: number;
}

/** What the hardening pass says about the image as a whole. */
export interface ImageHardening {
  baseImage: HardeningResult['baseImage'];
  attackSurface: HardeningResult['attackSurface'];
  recommendation: string;
  entryBinary?: HardeningResult['entryBinary'];
}

/** A vulnerability, with whether its layer came with the base image or the user's own build. */
export type ReportVulnerability = Vulnerability & { origin?: 'base' | 'own' };

/** The JSON report (`../shared/DESIGN.md`): stable field names, more added as stages land. */
export interface Report {
  schemaVersion: 1;
  artifact: Artifact & Partial<ImageHardening>;
  packages: ReportPackage[];
  /** Present when the vulnerability scanner ran: what remains after the policy. */
  vulnerabilities?: ReportVulnerability[];
  /** What the matcher could and could not check, and why (never an empty list that looks clean). */
  coverage?: Coverage;
  /** What the policy suppressed, by cause, and what failed the gate. */
  policy?: Pick<PolicyResult, 'suppressedBy' | 'suppressed' | 'findingsSuppressedBy' | 'suppressedFindings' | 'failed' | 'failures'>;
  /** Notices the data sources' terms ask for (NVD's). */
  attributions?: string[];
  findings: ReportFinding[];
  warnings: ScanWarning[];
  summary: {
    packages: number;
    packagesByType: Record<string, number>;
    /** By severity, UNKNOWN counted: what no source rates. */
    vulnerabilities?: Record<string, number>;
    vulnerabilitiesByPriority?: Record<Priority, number>;
    /** How many are in CISA's KEV catalog. */
    knownExploited?: number;
    vulnerabilitiesByOrigin?: { base: number; own: number };
    findings: number;
    findingsBySeverity: Record<string, number>;
    /** What the policy left out, by cause: the counts above are what is shown. */
    suppressed?: { vulnerabilities: PolicyResult['suppressedBy']; findings: PolicyResult['findingsSuppressedBy'] };
  };
}

export const NO_OS_WARNING = 'no recognisable operating system (scratch or a static binary image): no OS packages were inventoried';

function reportPackage(p: Package): ReportPackage {
  return { ...p, locations: p.locations.map((l) => ({ path: l.path, layer: l.layer.digest, layerIndex: l.layer.index })) };
}

function reportFinding(f: Finding): ReportFinding {
  const { layer, deletedIn, ...rest } = f;
  return {
    ...rest,
    ...(layer ? { layer: layer.digest, layerIndex: layer.index } : {}),
    ...(deletedIn ? { deletedIn: deletedIn.digest, deletedInIndex: deletedIn.index } : {}),
  };
}

/** The config and history lines can carry secrets (ENV, labels, build args): the report prints them masked. */
function redactArtifact(artifact: Artifact, redact: (text: string) => string): Artifact {
  const labels = artifact.config.labels;
  return {
    ...artifact,
    config: {
      ...artifact.config,
      env: artifact.config.env.map(redact),
      ...(labels ? { labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, redact(v)])) } : {}),
    },
    layers: artifact.layers.map((l) => (l.createdBy ? { ...l, createdBy: redact(l.createdBy) } : l)),
    history: artifact.history.map((h) => (h.createdBy ? { ...h, createdBy: redact(h.createdBy) } : h)),
  };
}

/** `base` when the layer index falls inside the base image's layers (as the hardening pass split them). */
function originOf(layer: string | undefined, artifact: Artifact, hardening: HardeningResult | undefined): 'base' | 'own' | undefined {
  if (!hardening || layer === undefined) return undefined;
  const index = artifact.layers.findIndex((l) => l.digest === layer);
  if (index < 0) return undefined;
  return index < hardening.baseImage.layers.base ? 'base' : 'own';
}

/** What a scan found (scan.ts's ScanResult, or the inventory alone), shaped into the report. */
export interface ReportSource {
  inventory: InventoryResult;
  hardening?: HardeningResult;
  match?: MatchResult;
  policy?: PolicyResult;
  /** The database's age warnings. */
  notices?: ScanWarning[];
  attributions?: string[];
}

/**
 * Every warning of a scan, in stage order, each saying which stage raised it: the one list the
 * report carries and the CLI prints. The inventory's own analyzers leave the stage unsaid.
 */
function allWarnings(scan: ReportSource): ScanWarning[] {
  const inventory = scan.inventory.warnings.map((w): ScanWarning => (w.source ? w : { ...w, source: 'inventory' }));
  if (!scan.inventory.os) inventory.unshift({ message: NO_OS_WARNING, source: 'inventory' });
  return [...inventory, ...(scan.notices ?? []), ...(scan.match?.coverage.warnings ?? []), ...(scan.policy?.warnings ?? [])];
}

export function buildReport(image: ResolvedImage, scan: ReportSource): Report {
  const { inventory, hardening, match, policy } = scan;
  const warnings = allWarnings(scan);
  const packagesByType: Record<string, number> = {};
  for (const p of inventory.packages) packagesByType[p.type] = (packagesByType[p.type] ?? 0) + 1;
  const artifact = buildArtifact(image, inventory.contents, inventory.os);
  // What the policy kept (--severity applies to hardening findings too); all of them without a policy.
  const findings = policy?.findings ?? hardening?.findings ?? [];
  const vulnerabilities =
    match &&
    policy?.vulnerabilities.map((v): ReportVulnerability => {
      const origin = originOf(v.layer, artifact, hardening);
      return origin ? { ...v, origin } : v;
    });
  return {
    schemaVersion: 1,
    artifact: hardening
      ? {
          ...redactArtifact(artifact, hardening.redact),
          baseImage: hardening.baseImage,
          attackSurface: hardening.attackSurface,
          recommendation: hardening.recommendation,
          ...(hardening.entryBinary ? { entryBinary: hardening.entryBinary } : {}),
        }
      : artifact,
    packages: inventory.packages.map(reportPackage),
    ...(vulnerabilities && match ? { vulnerabilities, coverage: match.coverage } : {}),
    ...(policy
      ? {
          policy: {
            suppressedBy: policy.suppressedBy,
            suppressed: policy.suppressed,
            findingsSuppressedBy: policy.findingsSuppressedBy,
            suppressedFindings: policy.suppressedFindings,
            failed: policy.failed,
            failures: policy.failures,
          },
        }
      : {}),
    ...(scan.attributions?.length ? { attributions: scan.attributions } : {}),
    findings: findings.map(reportFinding),
    warnings,
    summary: {
      packages: inventory.packages.length,
      packagesByType,
      ...(vulnerabilities
        ? {
            vulnerabilities: countBySeverity(vulnerabilities),
            vulnerabilitiesByPriority: countByPriority(vulnerabilities),
            knownExploited: vulnerabilities.filter((v) => v.kev).length,
            ...(hardening
              ? {
                  vulnerabilitiesByOrigin: {
                    base: vulnerabilities.filter((v) => v.origin === 'base').length,
                    own: vulnerabilities.filter((v) => v.origin === 'own').length,
                  },
                }
              : {}),
          }
        : {}),
      findings: findings.length,
      findingsBySeverity: countBySeverity(findings),
      ...(policy ? { suppressed: { vulnerabilities: policy.suppressedBy, findings: policy.findingsSuppressedBy } } : {}),
    },
  };
}

/** The SBOM reporters' input, from the same inventory. */
export function toInventory(image: ResolvedImage, inventory: InventoryResult): Inventory {
  return {
    artifact: {
      ref: image.ref,
      ...(image.digest ? { digest: image.digest } : {}),
      ...(image.platform ? { platform: image.platform } : {}),
      ...(image.layers.length > 0 ? { layers: image.layers.map((l) => l.digest) } : {}),
    },
    ...(inventory.os ? { os: inventory.os as OsInfo } : {}),
    packages: inventory.packages,
    warnings: inventory.warnings,
  };
}
