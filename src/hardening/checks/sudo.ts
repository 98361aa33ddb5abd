// sudo in a build step: the build already runs as the Dockerfile's USER; sudo in an image is a privilege path.
import { historyStepCheck } from './history-step.js';

export const sudoCheck = historyStepCheck({
  id: 'PLM-SUDO',
  instruction: 'RUN',
  pattern: /(?:^|[\s;&|(])sudo\s/,
  severity: 'MEDIUM',
  title: 'RUN uses sudo',
  evidence: (args) => args,
  remediation: 'Run privileged steps before switching `USER`, drop sudo from the image; use `gosu`/`setpriv` only in an entrypoint that must drop rights.',
});
