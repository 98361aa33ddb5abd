// Policy for CI: which findings are shown and whether the scan fails.
import { InputError } from '../errors.js';
import type { Severity } from '../match/types.js';

export { applyPolicy, type PolicyOptions, type PolicyResult, type Suppression } from './apply.js';
export { parseIgnoreFile, readIgnoreFile, DEFAULT_IGNORE_FILE, type IgnoreRule } from './ignore-file.js';
export { parseVex, readVexFile, type VexStatement, type VexStatus } from './vex.js';

const SEVERITIES: readonly Severity[] = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** `--severity HIGH,critical` → ['HIGH', 'CRITICAL']; an unknown name is an InputError naming the option. */
export function parseSeverityList(text: string, option = '--severity'): Severity[] {
  return text.split(',').map((s) => parseSeverity(s, option));
}

/** `--fail-on high` → 'HIGH'. */
export function parseSeverity(text: string, option = '--fail-on'): Severity {
  const upper = text.trim().toUpperCase();
  if (!(SEVERITIES as readonly string[]).includes(upper)) throw new InputError(`${option}: unknown severity '${text.trim()}' (expected ${SEVERITIES.join(', ')})`);
  return upper as Severity;
}
