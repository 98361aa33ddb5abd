import type { LintContext } from './context.js';
import type { RuleHit } from './rule.js';

/** CMD / ENTRYPOINT written in shell form; a bracket that fails to parse as JSON is called out. */
export function shellFormHits(context: LintContext, keyword: 'CMD' | 'ENTRYPOINT'): RuleHit[] {
  return context.dockerfile.instructions
    .filter((i) => i.keyword === keyword && i.execForm === null && i.args !== '')
    .map((i) => (i.args.startsWith('[') ? { line: i.line, detail: 'brackets but not valid JSON' } : { line: i.line }));
}

/** Every instruction of `keyword` in a stage but the last: only the last one takes effect. */
export function overriddenHits(context: LintContext, keyword: 'CMD' | 'ENTRYPOINT'): RuleHit[] {
  return context.stages.flatMap((stage) => {
    const all = stage.instructions.filter((i) => i.keyword === keyword);
    const last = all.at(-1);
    return all.slice(0, -1).map((i) => ({ line: i.line, detail: `overridden by line ${last?.line ?? 0}` }));
  });
}
