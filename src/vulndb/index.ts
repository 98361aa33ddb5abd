// The vulnerability database: what the CLI's `db` commands and the matcher use.
export { openDatabase, openDatabaseFile, databasePath, DEFAULT_MAX_AGE_DAYS, type VulnDatabase } from './database.js';
export { runDbUpdate, renderDbUpdate, type DbUpdateOptions, type DbUpdateResult } from './update.js';
export { runDbStatus, renderDbStatus } from './status.js';
export { runDbExport, runDbImport, type DbManifest } from './archive.js';
export { runDbPush, pullDbFromRegistry, DB_ARTIFACT_TYPE, DB_LAYER_TYPE, type DbRegistryOptions, type DbPushResult, type DbPullResult } from './oci.js';
export { resolveDbDir, type DbOptions, type DbMessages } from './options.js';
export { SCHEMA_VERSION, normalizeName } from './schema.js';
export type * from './types.js';
