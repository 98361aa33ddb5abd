import { hasOption, pipCall } from '../commands.js';
import type { DockerfileRule, RuleHit } from '../rule.js';
import type { ShellCommand } from '../shell.js';

/** What in this command turns certificate checks off, or null. */
function insecure(c: ShellCommand): string | null {
  if (c.name === 'curl' && hasOption(c.args, 'k', '--insecure')) return 'curl --insecure';
  if (c.name === 'wget' && c.args.includes('--no-check-certificate')) return 'wget --no-check-certificate';
  if (pipCall(c) && c.args.some((a) => a === '--trusted-host' || a.startsWith('--trusted-host='))) return 'pip --trusted-host';
  if (c.name === 'apk' && c.args.includes('--allow-untrusted')) return 'apk --allow-untrusted';
  if ((c.name === 'npm' || c.name === 'yarn') && c.args.join(' ').match(/strict-ssl[= ]false/)) return `${c.name} strict-ssl false`;
  if (c.name === 'git' && /http\.sslverify[= ]false/i.test(c.args.join(' '))) return 'git http.sslVerify false';
  return null;
}

const ENV_SWITCHES: [RegExp, string][] = [
  [/^NODE_TLS_REJECT_UNAUTHORIZED$/, '0'],
  [/^GIT_SSL_NO_VERIFY$/, ''],
  [/^PYTHONHTTPSVERIFY$/, '0'],
];

export const tlsVerificationDisabled: DockerfileRule = {
  id: 'PLD046',
  title: 'TLS or signature verification disabled',
  severity: 'HIGH',
  rationale:
    'Turning off certificate or signature checks (`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `apk --allow-untrusted`, ' +
    '`NODE_TLS_REJECT_UNAUTHORIZED=0`) lets anyone on the network path substitute what the build downloads, and in ENV it keeps the application itself open to interception.',
  fix: 'Fix the trust store instead: install `ca-certificates` or COPY the corporate CA into /usr/local/share/ca-certificates and run `update-ca-certificates`.',
  check(context) {
    const hits: RuleHit[] = context.commands(insecure).map(({ instruction, value }) => ({ line: instruction.line, detail: value }));
    for (const i of context.dockerfile.instructions.filter((x) => x.keyword === 'ENV')) {
      for (const p of i.properties) {
        const sw = ENV_SWITCHES.find(([name]) => name.test(p.name));
        if (sw && p.value !== null && (sw[1] === '' ? p.value !== '' && p.value !== '0' && p.value !== 'false' : p.value === sw[1])) {
          hits.push({ line: i.line, detail: `${p.name}=${p.value}` });
        }
      }
    }
    return hits.sort((a, b) => a.line - b.line);
  },
};
