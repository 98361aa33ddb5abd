// No HEALTHCHECK: orchestrators that read it cannot tell a hung container from a working one.
import type { Check } from '../check.js';

export const healthcheckCheck: Check = {
  id: 'PLM-NO-HEALTHCHECK',
  group: 'config',
  run(ctx) {
    const test = ctx.image.config.config?.Healthcheck?.Test;
    if (test && test.length > 0 && test[0] !== 'NONE') return [];
    return [
      {
        id: this.id,
        kind: 'config',
        severity: 'LOW',
        title: test?.[0] === 'NONE' ? 'HEALTHCHECK disabled (NONE)' : 'No HEALTHCHECK',
        remediation:
          "Add a `HEALTHCHECK CMD ...` that exercises the service (in exec form; a small static probe binary works without a shell), or rely on the orchestrator's own probes.",
      },
    ];
  },
};
