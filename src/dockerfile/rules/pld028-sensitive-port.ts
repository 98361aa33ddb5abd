import type { DockerfileRule, RuleHit } from '../rule.js';

const SENSITIVE = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [23, 'telnet'],
  [2375, 'Docker API without TLS'],
  [3389, 'RDP'],
  [5900, 'VNC'],
]);

export const sensitivePort: DockerfileRule = {
  id: 'PLD028',
  title: 'Remote-administration port exposed',
  severity: 'MEDIUM',
  rationale:
    'SSH, telnet, FTP, RDP, VNC and the plain Docker API give a remote shell or full control of the host. A container should not run such a ' +
    'daemon at all: the runtime already provides `docker exec` / `kubectl exec`, and every extra daemon is another service to patch and to attack.',
  fix: 'Remove the daemon and the EXPOSE; use `docker exec` / `kubectl exec` for administration.',
  check({ dockerfile }) {
    const hits: RuleHit[] = [];
    for (const i of dockerfile.instructions.filter((x) => x.keyword === 'EXPOSE')) {
      for (const w of i.words) {
        const service = SENSITIVE.get(Number(w.split('/')[0]));
        if (service) hits.push({ line: i.line, detail: `${w} (${service})` });
      }
    }
    return hits;
  },
};
