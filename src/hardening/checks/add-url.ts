// ADD of a URL: fetched without a checksum at build time, content can change under the same tag.
import type { Check } from '../check.js';

export const addUrlCheck: Check = {
  id: 'PLM-ADD-URL',
  group: 'config',
  run(ctx) {
    return ctx.history
      .filter((s) => s.instruction === 'ADD' && /(?:^|\s)https?:\/\//.test(s.args))
      .map((s) => ({
        id: this.id,
        kind: 'config' as const,
        severity: 'MEDIUM' as const,
        title: 'ADD downloads a URL',
        evidence: `ADD ${s.args}`.slice(0, 200),
        historyIndex: s.index,
        ...(s.layer ? { layer: s.layer } : {}),
        remediation: 'Download with `ADD --checksum=sha256:...` or `RUN curl -fsSLO ... && sha256sum -c`, so a changed file fails the build.',
      }));
  },
};
