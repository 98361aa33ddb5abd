import type { DockerfileRule, RuleHit } from '../rule.js';

export const uniqueStageNames: DockerfileRule = {
  id: 'PLD031',
  title: 'Stage name used twice',
  severity: 'HIGH',
  rationale:
    'Stage names are compared case-insensitively and must be unique: Docker rejects a Dockerfile that reuses one, and an older builder that ' +
    'accepts it makes `COPY --from` and `--target` ambiguous.',
  fix: 'Give every `FROM … AS name` its own name.',
  check({ dockerfile }) {
    const hits: RuleHit[] = [];
    const seen = new Map<string, number>();
    for (const stage of dockerfile.stages) {
      if (stage.name === null) continue;
      const first = seen.get(stage.name);
      if (first !== undefined) hits.push({ line: stage.from.line, detail: `'${stage.name}' first defined on line ${first}` });
      else seen.set(stage.name, stage.from.line);
    }
    return hits;
  },
};
