// What the views show, in the terms both sources can fill: the JSON report of one scan
// (report/html/report.ts) and the server's store (server/dashboard/).
import type { Priority, Vulnerability } from '../../../match/types.js';
import type { Severity } from '../../../model/finding.js';

export interface ImageRow {
  ref: string;
  digest?: string;
  /** Where the image's own page is (the dashboard); none in a one-image report. */
  href?: string;
  /** The OS release, as the scan named it. */
  os?: string;
  packages: number;
  bySeverity: Record<Severity, number>;
  byPriority: Record<Priority, number>;
  knownExploited: number;
  matchedAt?: string;
}

/** A vulnerability, with the layer origin when the scan knew which layers came with the base image. */
export type FindingRow = Vulnerability & { origin?: 'base' | 'own' };
