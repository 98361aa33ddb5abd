import { npmCall } from '../commands.js';
import type { DockerfileRule } from '../rule.js';
import { unpinnedDetail } from '../unpinned.js';
import { NPM_INSTALL, yarnPnpmAdded } from '../npm.js';

/** The version part after the name (`@scope/name@1.2.3` -> `1.2.3`), or null. */
function versionOf(spec: string): string | null {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at > 0 ? spec.slice(at + 1) : null;
}

/** Paths, tarballs, git and other URL specs are not registry names. */
function isRegistrySpec(spec: string): boolean {
  return !/^[./~]/.test(spec) && !spec.includes(':') && !/\.tgz$/.test(spec) && (spec.startsWith('@') || !spec.includes('/'));
}

export const npmVersionsPinned: DockerfileRule = {
  id: 'PLD012',
  title: 'npm/yarn/pnpm packages installed without a version',
  severity: 'LOW',
  rationale:
    '`npm install NAME` resolves to the `latest` dist-tag at build time, along with fresh versions of its whole dependency tree. Rebuilds drift, and ' +
    'a malicious or broken release published today lands in the next image without any change to the Dockerfile.',
  fix: 'Name exact versions, `npm install -g NAME@1.2.3` (`yarn global add NAME@1.2.3`); for the application itself use `npm ci` with a committed package-lock.json.',
  check(context) {
    return context
      .commands((c) => {
        const call = npmCall(c);
        const specs = call && NPM_INSTALL.has(call.sub) ? call.operands : yarnPnpmAdded(c);
        return (
          specs?.filter((spec) => {
            const version = versionOf(spec);
            return isRegistrySpec(spec) && (version === null || version === '' || version === 'latest' || version === 'next');
          }) ?? null
        );
      })
      .flatMap(({ instruction, value }) => unpinnedDetail(instruction.line, value));
  },
};
