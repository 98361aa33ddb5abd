import { gemCall, hasOption } from '../commands.js';
import type { DockerfileRule } from '../rule.js';
import { unpinnedDetail } from '../unpinned.js';

export const gemVersionsPinned: DockerfileRule = {
  id: 'PLD013',
  title: 'gems installed without a version',
  severity: 'LOW',
  rationale:
    '`gem install NAME` installs the newest release at build time, so the image changes whenever a new version is published; ' +
    'the Dockerfile stops describing what the image contains and rebuilds can break or pull in an unreviewed release.',
  fix: 'Pin each gem, `gem install NAME -v 1.2.3` (or `NAME:1.2.3`), or install from a Gemfile.lock with `bundle install`.',
  check(context) {
    return context
      .commands((c) => {
        const call = gemCall(c);
        if (call?.sub !== 'install' || hasOption(call.args, 'v', '--version')) return null;
        return call.operands.filter((g) => !g.includes(':') && !g.endsWith('.gem') && !g.includes('/'));
      })
      .flatMap(({ instruction, value }) => unpinnedDetail(instruction.line, value));
  },
};
