import type { ParsedDockerfile } from './parse.js';

/**
 * Inline suppression comments:
 * - `# plimsoll ignore=PLD003,PLD004` in the comment lines directly above an
 *   instruction (no blank line between) suppresses those rules for it;
 * - `# plimsoll global ignore=PLD016` anywhere in the file suppresses them for
 *   the whole file.
 */
export interface Suppressions {
  global: Set<string>;
  /** Rule ids suppressed per instruction start line. */
  byLine: Map<number, Set<string>>;
}

const DIRECTIVE = /^\s*#\s*plimsoll\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+?)\s*$/i;

function ids(list: string): string[] {
  return list
    .split(',')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => id !== '');
}

export function readSuppressions(dockerfile: ParsedDockerfile): Suppressions {
  const global = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  dockerfile.lines.forEach((text) => {
    const match = DIRECTIVE.exec(text);
    if (match?.[1]) for (const id of ids(match[2] ?? '')) global.add(id);
  });
  for (const instruction of dockerfile.instructions) {
    const set = new Set<string>();
    // Walk up the comment block that ends on the line above (index line - 2 is that line, 0-based).
    for (let i = instruction.line - 2; i >= 0 && /^\s*#/.test(dockerfile.lines[i] ?? ''); i--) {
      const match = DIRECTIVE.exec(dockerfile.lines[i] ?? '');
      if (match && !match[1]) for (const id of ids(match[2] ?? '')) set.add(id);
    }
    if (set.size > 0) byLine.set(instruction.line, set);
  }
  return { global, byLine };
}

export function isSuppressed(suppressions: Suppressions, id: string, line: number): boolean {
  return suppressions.global.has(id) || (suppressions.byLine.get(line)?.has(id) ?? false);
}
