import { apkCall, hasOption } from '../commands.js';
import { cacheMounted, removesPath } from '../cleanup.js';
import type { DockerfileRule } from '../rule.js';

export const apkNoCache: DockerfileRule = {
  id: 'PLD008',
  title: 'apk add without --no-cache',
  severity: 'LOW',
  rationale:
    '`apk update` and `apk add --update` store the package indexes in /var/cache/apk. They serve no purpose at run time and, once written to a layer, ' +
    'stay in the image even if a later instruction deletes them.',
  fix: 'Use `apk add --no-cache PKG` (it fetches a fresh index without storing it) instead of `apk update && apk add PKG`.',
  check(context) {
    return context
      .runs(context.shippedStages)
      .filter(
        ({ instruction, script }) =>
          script.commands.some((c) => {
            const call = apkCall(c);
            return (call?.sub === 'add' && !hasOption(call.args, null, '--no-cache')) || call?.sub === 'update';
          }) &&
          !removesPath(script, '/var/cache/apk') &&
          !cacheMounted(instruction, '/var/cache/apk'),
      )
      .map(({ instruction }) => ({ line: instruction.line }));
  },
};
