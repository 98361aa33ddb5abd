// sudo in a build step: the build already runs as the Dockerfile's USER; sudo in an image is a privilege path.
import type { Check } from '../check.js';

const SUDO = /(?:^|[\s;&|(])sudo\s/;

export const sudoCheck: Check = {
  id: 'PLM-SUDO',
  group: 'config',
  run(ctx) {
    return ctx.history
      .filter((s) => s.instruction === 'RUN' && SUDO.test(s.args))
      .map((s) => ({
        id: this.id,
        kind: 'config' as const,
        severity: 'MEDIUM' as const,
        title: 'RUN uses sudo',
        evidence: s.args.slice(0, 200),
        historyIndex: s.index,
        ...(s.layer ? { layer: s.layer } : {}),
        remediation: 'Run privileged steps before switching `USER`, drop sudo from the image; use `gosu`/`setpriv` only in an entrypoint that must drop rights.',
      }));
  },
};
