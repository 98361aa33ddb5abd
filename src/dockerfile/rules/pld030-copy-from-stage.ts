import type { DockerfileRule, RuleHit } from '../rule.js';

export const copyFromStage: DockerfileRule = {
  id: 'PLD030',
  title: 'COPY --from names no earlier stage',
  severity: 'MEDIUM',
  rationale:
    '`COPY --from=NAME` reads from the stage called NAME only if it is defined earlier; otherwise Docker silently pulls an image called NAME ' +
    'from a registry (usually a typo, sometimes a name an attacker can register), or fails on a stage defined later, a bad index, or the stage itself.',
  fix: 'Refer to an earlier `FROM … AS NAME` stage; to copy from an image, give a full reference with a tag or digest (`--from=nginx:1.27`).',
  check({ dockerfile }) {
    const hits: RuleHit[] = [];
    for (const i of dockerfile.instructions.filter((x) => x.keyword === 'COPY')) {
      const from = i.flags.get('from');
      if (from === undefined || from === null || from.includes('$')) continue;
      const earlier = dockerfile.stages.slice(0, Math.max(i.stage, 0));
      if (/^\d+$/.test(from)) {
        if (Number(from) >= earlier.length) hits.push({ line: i.line, detail: `stage index ${from} is not an earlier stage` });
      } else if (!earlier.some((s) => s.name === from.toLowerCase()) && !/[/:@.]/.test(from)) {
        const later = dockerfile.stages.some((s) => s.name === from.toLowerCase());
        hits.push({ line: i.line, detail: later ? `'${from}' is not defined before this stage` : `no stage named '${from}'` });
      }
    }
    return hits;
  },
};
