import { apkCall, aptCall, rpmManagerCall, zypperCall } from '../commands.js';
import type { ManagerCall } from '../commands.js';
import type { DockerfileRule, RuleHit } from '../rule.js';
import type { ShellCommand } from '../shell.js';

const BUILD_TOOLS =
  /^(gcc|g\+\+|gcc-c\+\+|clang|make|cmake|autoconf|automake|libtool|build-essential|build-base|alpine-sdk|golang|golang-go|go|maven|gradle|rustc|cargo|rust)(-[0-9.]+)?$/;

const INSTALL = new Set(['install', 'add', 'in', 'groupinstall']);
const REMOVE = new Set(['purge', 'remove', 'autoremove', 'del', 'erase', 'rm']);

function managerCall(c: ShellCommand): ManagerCall | null {
  return aptCall(c) ?? apkCall(c) ?? rpmManagerCall(c) ?? zypperCall(c);
}

export const buildToolsInFinalStage: DockerfileRule = {
  id: 'PLD017',
  title: 'Build tools installed in the final image',
  severity: 'MEDIUM',
  rationale:
    'Compilers, make and language toolchains are needed to build the application, not to run it. Shipped in the final image they add hundreds of ' +
    'megabytes and many packages to patch, and they hand an attacker who gets in the means to compile exploits on the spot.',
  fix: 'Use a multi-stage build: compile in a `FROM … AS build` stage and `COPY --from=build` only the artefacts into a slim or distroless final stage; or remove the tools in the same RUN (`apk del .build-deps`, `apt-get purge --auto-remove`).',
  check(context) {
    const runs = context.runs(context.shippedStages);
    const hits: RuleHit[] = [];
    runs.forEach(({ instruction, script }, index) => {
      const calls = script.commands.map(managerCall).filter((c) => c !== null);
      const tools = calls.filter((c) => INSTALL.has(c.sub)).flatMap((c) => c.operands.filter((p) => BUILD_TOOLS.test(p)));
      if (tools.length === 0) return;
      // Installed then removed, in this RUN or a later one of the final image (the docker-library pattern).
      const removedLater = runs.slice(index).some((r) => r.script.commands.some((c) => REMOVE.has(managerCall(c)?.sub ?? '')));
      if (!removedLater) hits.push({ line: instruction.line, detail: [...new Set(tools)].join(', ') });
    });
    return hits;
  },
};
