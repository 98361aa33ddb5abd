// What every npm lock-file reader gives back.
import type { JsonObject } from '../common/parse.js';

export interface LockedPackage {
  name: string;
  version: string;
  /** Needed only by development dependencies. */
  dev: boolean;
  /** Where the lock file says it is installed (`node_modules/a/node_modules/b`), when it says. */
  installPath?: string;
}

/** The app's own `package.json` beside a yarn.lock, when the image has it (dev marks come from it). */
export type AppManifest = JsonObject | undefined;
