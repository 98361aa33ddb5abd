// Exposed ports of remote-administration and unauthenticated services.
import type { Check, CheckFinding } from '../check.js';

const SENSITIVE: Record<number, string> = {
  21: 'FTP',
  22: 'SSH',
  23: 'Telnet',
  111: 'RPC portmapper',
  135: 'MS RPC',
  139: 'NetBIOS',
  445: 'SMB',
  2375: 'Docker API without TLS',
  2376: 'Docker API',
  2379: 'etcd',
  3389: 'RDP',
  5900: 'VNC',
  5985: 'WinRM',
  5986: 'WinRM',
  6000: 'X11',
  10250: 'kubelet API',
};

export const sensitivePortsCheck: Check = {
  id: 'PLM-SENSITIVE-PORT',
  group: 'config',
  run(ctx) {
    const out: CheckFinding[] = [];
    for (const spec of Object.keys(ctx.image.config.config?.ExposedPorts ?? {})) {
      const port = Number(spec.split('/')[0]);
      const service = SENSITIVE[port];
      if (!service) continue;
      const step = ctx.history.findLast((s) => s.instruction === 'EXPOSE' && new RegExp(`(?:^|\\s)${port}(?:/|\\s|$)`).test(s.args));
      out.push({
        id: this.id,
        kind: 'config',
        severity: port === 2375 || port === 23 ? 'HIGH' : 'MEDIUM',
        title: `Exposes port ${spec} (${service})`,
        evidence: `EXPOSE ${spec}`,
        ...(step ? { historyIndex: step.index } : {}),
        remediation: `Do not run ${service} in an application container: use \`docker exec\`/\`kubectl exec\` for access and remove the EXPOSE.`,
      });
    }
    return out;
  },
};
