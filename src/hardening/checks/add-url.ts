// ADD of a URL: fetched without a checksum at build time, content can change under the same tag.
import { historyStepCheck } from './history-step.js';

export const addUrlCheck = historyStepCheck({
  id: 'PLM-ADD-URL',
  instruction: 'ADD',
  pattern: /(?:^|\s)https?:\/\//,
  severity: 'MEDIUM',
  title: 'ADD downloads a URL',
  evidence: (args) => `ADD ${args}`,
  remediation: 'Download with `ADD --checksum=sha256:...` or `RUN curl -fsSLO ... && sha256sum -c`, so a changed file fails the build.',
});
