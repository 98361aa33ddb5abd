// The one interface every hardening check implements, and what a check gets to look at.
import type { ImageContents } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import type { Finding } from '../model/finding.js';
import type { Package } from '../model/package.js';
import type { HistoryStep } from './history.js';
import type { LayerOrigins } from './origin.js';
import type { WalkedFiles } from './file-walk.js';
import type { OsInfo } from '../model/os.js';
import type { LayerSecrets } from './checks/secret-files.js';
import type { ImageFacts } from '../inventory/facts.js';

export interface HardeningContext {
  image: ResolvedImage;
  contents: ImageContents;
  os?: OsInfo;
  packages: Package[];
  /** The config's history, parsed into Dockerfile instructions, with the layer each one made. */
  history: HistoryStep[];
  /** Which layers (and history steps) belong to the base image. */
  origins: LayerOrigins;
  /** What one walk of the merged filesystem picked out for the checks that look at file metadata. */
  files: WalkedFiles;
  /** Facts of the merged view's files (hardening's, see requests.ts), read from the layers' cache records or their bodies. */
  facts: ImageFacts;
  /** Each layer's secrets when the inventory scanned them as it read the layers (or took them from the layer cache). */
  layerSecrets?: readonly LayerSecrets[];
}

/**
 * What a check reports. The runner fills `origin` and `createdBy` from the
 * layer (or history step) unless the check knows better.
 */
export type CheckFinding = Omit<Finding, 'origin'> & {
  origin?: Finding['origin'];
  /** The history step behind a config finding (for origin and createdBy). */
  historyIndex?: number;
  /** Secret values this finding found in the config or history, to mask wherever history text is shown. */
  redact?: string[];
};

/** Which `--scanners` group a check belongs to (DESIGN: vuln, config, secret). */
export type CheckGroup = 'config' | 'secret';

export interface Check {
  /** The id of its findings (`PLM-…`); a check may report several ids when it covers a family (secret rules). */
  id: string;
  group: CheckGroup;
  run(ctx: HardeningContext): CheckFinding[];
}
