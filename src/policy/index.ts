// Policy for CI: which findings are shown and whether the scan fails.

export { applyPolicy, type PolicyOptions, type PolicyResult, type Suppression, type FindingSuppression } from './apply.js';
export { parseIgnoreFile, readIgnoreFile, DEFAULT_IGNORE_FILE, type IgnoreRule } from './ignore-file.js';
export { parseVex, readVexFile, type VexStatement, type VexStatus } from './vex.js';

export { parseFailOn, parseEpssThreshold, parseSeverity, parseSeverityList, type FailOn, type PolicyFailure } from './fail-on.js';
