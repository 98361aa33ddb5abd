import type { LayerRef } from './layer.js';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export type FindingKind = 'config' | 'secret' | 'file' | 'dockerfile';

/** One hardening or lint result (the JSON report's `findings[]`). */
export interface Finding {
  /** Rule id: `PLM-…` for image checks, `PLD0nn` for Dockerfile rules. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  title: string;
  /** Path in the image (no leading slash) or of the Dockerfile. */
  path?: string;
  /** 1-based line: in the Dockerfile, or in the image file a secret was found in. */
  line?: number;
  /** The layer that holds what was found. */
  layer?: LayerRef;
  /** For secrets deleted later: the layer whose whiteout or rewrite tried to remove it. */
  deletedIn?: LayerRef;
  /** Only ever a masked form of any secret. */
  evidence?: string;
  /** The Dockerfile instruction (history `created_by`) that made the layer, when known. */
  createdBy?: string;
  /** `base` when the layer belongs to the base image, `own` when the user's build added it. */
  origin?: 'base' | 'own';
  remediation: string;
}
