// `curl ... | sh`: runs whatever the server sends, as root, unverified.
import { historyStepCheck } from './history-step.js';

const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+)?(?:\/\S*\/)?(?:ba|da|z|k|a)?sh\b/;

export const pipeToShellCheck = historyStepCheck({
  id: 'PLM-PIPE-TO-SHELL',
  instruction: 'RUN',
  pattern: PIPE_TO_SHELL,
  severity: 'MEDIUM',
  title: 'RUN pipes a download into a shell',
  evidence: (args) => PIPE_TO_SHELL.exec(args)?.[0] ?? '',
  remediation: 'Download the script to a file, verify its checksum or signature, then run it; better, install a packaged release.',
});
