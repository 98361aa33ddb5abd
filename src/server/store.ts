// What the server keeps, behind one interface: sql-store.ts implements it over SQLite and PostgreSQL
// alike, on one schema (migrations.ts). Every method is async, as PostgreSQL's are.
import type { Priority, Vulnerability } from '../match/types.js';
import type { Package } from '../model/package.js';
import type { Severity } from '../model/finding.js';
import type { OsInfo } from '../model/os.js';

/** admission: ask the deployment gate about the project's images (what the Kubernetes API server's token holds). */
export const SCOPES = ['submit', 'read', 'admission', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface TokenRecord {
  id: string;
  /** Absent for server-wide (admin-only) tokens. */
  project?: string;
  scopes: Scope[];
  /** sha256 of the token's secret part, hex. */
  secretHash: string;
  description?: string;
  createdAt: string;
}

/**
 * What the admission gate needs to know of an image beyond its packages (docs/privacy.md lists
 * them): counts only, never a secret's value, file or line. Each is absent when the client did not
 * send it (an SBOM from elsewhere, or a scan without the secret scanner).
 */
export interface ImageFacts {
  /** The image config's `created` (ISO 8601). */
  created?: string;
  /** The image config's `User`; '' when unset, which runs as root. */
  user?: string;
  /** Secret findings by rule id (`PLM-SECRET-AWS-ACCESS-KEY-ID: 2`). */
  secrets?: Record<string, number>;
}

/** What a client submitted: the image and its inventory as the SBOM gave it. */
export interface ImageInventory {
  ref: string;
  digest?: string;
  platform?: string;
  os?: OsInfo;
  /** Layer digests, bottom-up. */
  layers: string[];
  packages: Package[];
  facts?: ImageFacts;
}

export interface ImageRecord {
  id: string;
  project: string;
  ref: string;
  digest?: string;
  os?: OsInfo;
  facts?: ImageFacts;
  submittedAt: string;
  matchedAt: string;
  /** When the vulnerability database of the last match was built. */
  dbBuiltAt: string;
}

export interface ImageSummary extends ImageRecord {
  packages: number;
  vulnerabilities: Record<Severity, number>;
  vulnerabilitiesByPriority: Record<Priority, number>;
  knownExploited: number;
}

/** A project's findings after one rematch: the dashboard's trend. */
export interface TrendPoint {
  at: string;
  /** The database the rematch matched against. */
  dbBuiltAt: string;
  images: number;
  /** What the rematch changed in the project. */
  appeared: number;
  resolved: number;
  /** The counts over all the project's images once it finished. */
  vulnerabilities: Record<Severity, number>;
  vulnerabilitiesByPriority: Record<Priority, number>;
  knownExploited: number;
}

/** A finding that appeared in, or was resolved from, an image between two matches. */
export interface FindingEvent {
  id: string;
  project: string;
  image: { id: string; ref: string; digest?: string };
  kind: 'appeared' | 'resolved';
  /** What caused the new match: a database update's rematch, or the image submitted again. */
  cause: 'rematch' | 'submit';
  at: string;
  vulnerability: Vulnerability;
}

export interface MatchRecord {
  vulnerabilities: Vulnerability[];
  at: string;
  dbBuiltAt: string;
  cause: FindingEvent['cause'];
}

export interface Store {
  /** Creates the project when it does not exist yet. */
  ensureProject(name: string, at: string): Promise<void>;
  createToken(token: TokenRecord): Promise<void>;
  findToken(id: string): Promise<TokenRecord | undefined>;
  /**
   * Stores a submission and its findings. An image is identified within its project by digest (by
   * ref when it has none); submitting it again replaces its inventory, and the change in findings is
   * recorded as events. The first submission is the image's baseline and records none.
   */
  saveImage(project: string, inventory: ImageInventory, match: Omit<MatchRecord, 'cause'>): Promise<{ image: ImageRecord; events: FindingEvent[] }>;
  /** Replaces an image's findings with a new match and records what appeared and what was resolved. */
  recordMatch(imageId: string, match: MatchRecord): Promise<FindingEvent[]>;
  imageIds(): Promise<string[]>;
  /** The project's image with this digest, when it holds one (a registry scan skips digests already stored). */
  findImageByDigest(project: string, digest: string): Promise<ImageRecord | undefined>;
  loadInventory(imageId: string): Promise<ImageInventory | undefined>;
  listImages(project: string, limit: number): Promise<ImageSummary[]>;
  getImage(project: string, imageId: string): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined>;
  /** Images with a finding whose id or alias is `vulnId`, each with those findings. */
  imagesWithVulnerability(project: string, vulnId: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]>;
  /** The project's most recently submitted image with this digest, or with one of these references. */
  findImage(project: string, by: { digest: string } | { refs: string[] }): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined>;
  /** Images with findings in CISA's KEV catalog, each with those findings. */
  imagesWithKev(project: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]>;
  /** Events at or after `since` (ISO 8601), oldest first. */
  eventsSince(project: string, since: string, limit: number): Promise<FindingEvent[]>;
  /**
   * After a rematch: one trend point per project with images, its counts as now stored and what the
   * rematch changed there (`changes`, by project; a project absent changed nothing).
   */
  recordTrend(at: string, dbBuiltAt: string, changes: ReadonlyMap<string, { appeared: number; resolved: number }>): Promise<void>;
  /** The project's newest `limit` trend points, oldest first. */
  trend(project: string, limit: number): Promise<TrendPoint[]>;
  /** Whether the store answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One finding's identity across matches: the vulnerability in one package. */
export function findingKey(v: Pick<Vulnerability, 'id' | 'packageId'>): string {
  return `${v.id}\0${v.packageId}`;
}

/** What appeared and what was resolved between two matches of the same image. */
export function diffFindings(before: readonly Vulnerability[], after: readonly Vulnerability[]): { appeared: Vulnerability[]; resolved: Vulnerability[] } {
  const old = new Set(before.map(findingKey));
  const now = new Set(after.map(findingKey));
  return { appeared: after.filter((v) => !old.has(findingKey(v))), resolved: before.filter((v) => !now.has(findingKey(v))) };
}
