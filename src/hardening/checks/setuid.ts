// setuid and setgid executables in what the container sees: each is a way from the app user to another.
import type { Check, CheckFinding } from '../check.js';
import { isSetuid } from '../attack-surface.js';

export const setuidCheck: Check = {
  id: 'PLM-SETUID',
  group: 'config',
  run(ctx) {
    const out: CheckFinding[] = [];
    for (const file of ctx.files.privileged) {
      const suid = isSetuid(file.mode);
      out.push({
        id: suid ? 'PLM-SETUID' : 'PLM-SETGID',
        kind: 'file',
        severity: suid && (file.uid ?? 0) === 0 ? 'MEDIUM' : 'LOW',
        title: `${suid ? 'setuid' : 'setgid'} file ${file.path}`,
        path: file.path,
        layer: file.layer,
        evidence: `mode ${file.mode.toString(8).padStart(4, '0')} owner ${file.uid ?? '?'}:${file.gid ?? '?'}`,
        remediation: `Remove the file or its ${suid ? 'setuid' : 'setgid'} bit (\`chmod ${suid ? 'u-s' : 'g-s'} /${file.path}\`) unless the application needs it; \`--security-opt no-new-privileges\` blocks it at run time.`,
      });
    }
    return out;
  },
};
