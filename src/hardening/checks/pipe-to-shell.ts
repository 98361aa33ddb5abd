// `curl ... | sh`: runs whatever the server sends, as root, unverified.
import type { Check } from '../check.js';

const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?(?:\/\S*\/)?(?:ba|da|z|k|a)?sh\b/;

export const pipeToShellCheck: Check = {
  id: 'PLM-PIPE-TO-SHELL',
  group: 'config',
  run(ctx) {
    return ctx.history
      .filter((s) => s.instruction === 'RUN' && PIPE_TO_SHELL.test(s.args))
      .map((s) => ({
        id: this.id,
        kind: 'config' as const,
        severity: 'MEDIUM' as const,
        title: 'RUN pipes a download into a shell',
        evidence: (PIPE_TO_SHELL.exec(s.args)?.[0] ?? '').slice(0, 200),
        historyIndex: s.index,
        ...(s.layer ? { layer: s.layer } : {}),
        remediation: 'Download the script to a file, verify its checksum or signature, then run it; better, install a packaged release.',
      }));
  },
};
