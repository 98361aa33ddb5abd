import type { DockerfileRule, RuleHit } from '../rule.js';

/** Remote-administration and unauthenticated control services: the one list, for Dockerfiles and image history. */
const SENSITIVE = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [23, 'telnet'],
  [111, 'RPC portmapper'],
  [135, 'MS RPC'],
  [139, 'NetBIOS'],
  [445, 'SMB'],
  [2375, 'Docker API without TLS'],
  [2376, 'Docker API'],
  [2379, 'etcd'],
  [3389, 'RDP'],
  [5900, 'VNC'],
  [5985, 'WinRM'],
  [5986, 'WinRM'],
  [6000, 'X11'],
  [10250, 'kubelet API'],
]);

export const sensitivePort: DockerfileRule = {
  id: 'PLD028',
  title: 'Remote-administration port exposed',
  severity: 'MEDIUM',
  rationale:
    'SSH, telnet, FTP, RDP, VNC, WinRM, SMB, X11 and the Docker, etcd or kubelet APIs give a remote shell or control of the host or cluster. A container ' +
    'should not run such a daemon at all: the runtime already provides `docker exec` / `kubectl exec`, and every extra daemon is another service to patch and to attack.',
  fix: 'Remove the daemon and the EXPOSE; use `docker exec` / `kubectl exec` for administration.',
  onHistory: true,
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
