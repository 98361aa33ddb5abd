// What the server keeps, behind one interface: SQLite implements it today (sqlite-store.ts), and
// PostgreSQL will, on the same schema (migrations.ts). Every method is async for that reason.
import type { Vulnerability } from '../match/types.js';
import type { Package } from '../model/package.js';
import type { Severity } from '../model/finding.js';
import type { OsInfo } from '../model/os.js';

export const SCOPES = ['submit', 'read', 'admin'] as const;
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

/** What a client submitted: the image and its inventory as the SBOM gave it. */
export interface ImageInventory {
  ref: string;
  digest?: string;
  platform?: string;
  os?: OsInfo;
  /** Layer digests, bottom-up. */
  layers: string[];
  packages: Package[];
}

export interface ImageRecord {
  id: string;
  project: string;
  ref: string;
  digest?: string;
  os?: OsInfo;
  submittedAt: string;
  matchedAt: string;
  /** When the vulnerability database of the last match was built. */
  dbBuiltAt: string;
}

export interface ImageSummary extends ImageRecord {
  packages: number;
  vulnerabilities: Record<Severity, number>;
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
  loadInventory(imageId: string): Promise<ImageInventory | undefined>;
  listImages(project: string, limit: number): Promise<ImageSummary[]>;
  getImage(project: string, imageId: string): Promise<(ImageRecord & { vulnerabilities: Vulnerability[] }) | undefined>;
  /** Images with a finding whose id or alias is `vulnId`, each with those findings. */
  imagesWithVulnerability(project: string, vulnId: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]>;
  /** Images with findings in CISA's KEV catalog, each with those findings. */
  imagesWithKev(project: string, limit: number): Promise<{ image: ImageRecord; vulnerabilities: Vulnerability[] }[]>;
  /** Events at or after `since` (ISO 8601), oldest first. */
  eventsSince(project: string, since: string, limit: number): Promise<FindingEvent[]>;
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
