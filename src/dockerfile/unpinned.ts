import { isVariable } from './commands.js';
import type { RuleHit } from './rule.js';

/** One hit listing the unpinned packages (variables are skipped: their value is unknown here). */
export function unpinnedDetail(line: number, packages: string[]): RuleHit[] {
  const named = packages.filter((p) => !isVariable(p) && p !== '');
  if (named.length === 0) return [];
  const shown = named.slice(0, 5).join(', ');
  return [{ line, detail: named.length > 5 ? `${shown} and ${named.length - 5} more` : shown }];
}
