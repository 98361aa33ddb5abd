// An image built with umoci (test/helpers/umoci-image.ts) that plants random fake secrets in every
// provider's format, fresh private keys, a key deleted in a later layer (umoci's own whiteout), a setuid
// file, a world-writable directory, a password in ENV and risky build steps: each must be found, in the
// right layer, masked; the decoys (tests, docs, documented example keys) must not.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { withUmociImage, type ImageStep, type RootfsEntry } from '../helpers/umoci-image.js';
import { hasCommand } from '../helpers/testbed.js';
import type { Finding } from '../../src/model/finding.js';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { hardeningRequests, runHardening, type HardeningResult } from '../../src/hardening/run.js';
import { base62, fakeSecrets, opensshKey, sshKeygenAvailable } from './fake-secrets.js';
import { scanHardening } from './pipeline.js';
import { scanImage } from '../../src/scan.js';

const dir = (path: string, mode = 0o755): RootfsEntry => ({ path, mode });
const file = (path: string, body: string, mode = 0o644): RootfsEntry => ({ path, body, mode });
const noUmoci = hasCommand('umoci') ? undefined : 'umoci not installed (../shared/testbed/install-tools.sh)';

const s = fakeSecrets();
const ssh = opensshKey();
const buildArgToken = `npm_${base62(36)}`;
const decoyKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const CONFIG_YML = `# application settings
aws:
  access_key_id: ${s.awsKeyId}
  aws_secret_access_key: ${s.awsSecret}
storage: "DefaultEndpointsProtocol=https;AccountName=acme${base62(6).toLowerCase()};AccountKey=${s.azureAccountKey};EndpointSuffix=core.windows.net"
github_token: ${s.githubToken}
gitlab_token: ${s.gitlabToken}
slack_token: ${s.slackToken}
stripe_key: ${s.stripeKey}
pypi_token: ${s.pypiToken}
session: ${s.jwt}
`;

const SERVICE_ACCOUNT = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'acme-prod',
    private_key_id: s.gcpKeyId,
    private_key: s.gcpPrivateKey,
    client_email: 'deployer@acme-prod.iam.gserviceaccount.com',
    client_id: '1234567890',
  },
  null,
  2,
);

/** Every secret value planted; none may appear in the findings. */
const PLANTED = [...Object.values(s).filter((v) => typeof v === 'string' && !v.includes('\n')), buildArgToken];

/** The planted image, oldest step first: base layer, base CMD, the user's three layers, then ENV, EXPOSE, USER. */
const PLANTED_IMAGE: ImageStep[] = [
  {
    createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef in / ',
    write: [
      dir('etc'),
      file('etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.9\nPRETTY_NAME="Alpine Linux v3.10"\n'),
      file('etc/alpine-release', '3.10.9\n'),
      file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n'),
      dir('bin'),
      file('bin/sh', '#!fake shell\n', 0o755),
      dir('usr'),
      dir('usr/bin'),
      file('usr/bin/suidtool', 'ELF-ish\n', 0o4755),
      dir('srv'),
      dir('srv/shared', 0o777),
      dir('tmp', 0o1777),
    ],
  },
  { config: { cmd: ['/bin/sh'] }, createdBy: '/bin/sh -c #(nop)  CMD ["/bin/sh"]' },
  {
    createdBy: `|1 NPM_TOKEN=${buildArgToken} /bin/sh -c curl -fsSL https://get.example.invalid/install.sh | sh && sudo make install`,
    write: [
      dir('app'),
      file('app/config.yml', CONFIG_YML),
      file('app/sa.json', SERVICE_ACCOUNT),
      file('app/.npmrc', `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${s.npmToken}\n`),
      file('app/.env', `NODE_ENV=production\nDB_HOST=db\nDB_PASSWORD=${s.dbPassword}\n`),
      dir('app/deploy'),
      file('app/deploy/id_rsa', s.rsaPem, 0o600),
      // Decoys: a test fixture key, documentation, and the documented AWS example key.
      dir('app/test'),
      dir('app/test/fixtures'),
      file('app/test/fixtures/server.key', decoyKey),
      dir('app/docs'),
      file('app/docs/setup.md', `Set GITHUB_TOKEN=ghp_${base62(36)} before running.\n`),
      file('app/settings.yml', 'aws_access_key_id: AKIAIOSFODNN7EXAMPLE\naws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'),
      dir('home'),
      dir('home/app'),
      dir('home/app/.aws'),
      file('home/app/.aws/credentials', `[default]\naws_access_key_id = ${s.awsKeyId}\naws_secret_access_key = ${s.awsSecret}\n`),
      dir('root', 0o700),
      file('root/.git-credentials', `https://deploy:${s.gitPassword}@git.example.com\n`, 0o600),
      ...(ssh ? [dir('root/.ssh', 0o700), file('root/.ssh/id_ed25519', ssh, 0o600)] : []),
      dir('var'),
      dir('var/cache'),
      dir('var/cache/apk'),
      file('var/cache/apk/APKINDEX.00000000.tar.gz', 'x'.repeat(512)),
    ],
  },
  { createdBy: 'RUN /bin/sh -c rm /app/deploy/id_rsa # buildkit', remove: ['app/deploy/id_rsa'] },
  { createdBy: 'ADD https://downloads.example.invalid/tool /opt/tool # buildkit', write: [dir('opt'), file('opt/tool', 'tool\n')] },
  {
    config: { env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `DB_PASSWORD=${s.dbPassword}`] },
    createdBy: `ENV DB_PASSWORD=${s.dbPassword}`,
  },
  { config: { exposedPorts: ['22/tcp', '8080/tcp'] }, createdBy: 'EXPOSE map[22/tcp:{} 8080/tcp:{}]' },
  { config: { user: 'root' }, createdBy: 'USER root' },
  // The application's CMD, set without a history line of its own.
  { config: { cmd: ['/app/server'] } },
];

let result: HardeningResult;

const find = (id: string, path?: string): Finding | undefined => result.findings.find((f) => f.id === id && (path === undefined || f.path === path));

describe('planted secrets and misconfigurations', { skip: noUmoci }, () => {
  before(async () => {
    result = await withUmociImage(PLANTED_IMAGE, 'latest', (layout) => scanHardening(`oci:${layout}:latest`));
  });

  it('the JSON report never spells a config secret: ENV, labels and history are masked', async () => {
    const report = await withUmociImage(PLANTED_IMAGE, 'latest', (layout) => scanImage(`oci:${layout}:latest`, { scanners: ['config', 'secret'] }));
    const text = JSON.stringify(report);
    assert.ok(!text.includes(s.dbPassword), 'the ENV password');
    assert.ok(!text.includes(buildArgToken), 'the build-arg token');
    assert.ok(
      report.artifact.config.env.some((e) => e.startsWith('DB_PASSWORD=') && /\*{4}/.test(e)),
      report.artifact.config.env.join(' '),
    );
  });

  it('finds each provider secret in its file and layer, masked', () => {
    const expected: [string, string][] = [
      ['PLM-SECRET-AWS-ACCESS-KEY-ID', 'app/config.yml'],
      ['PLM-SECRET-AWS-SECRET-KEY', 'app/config.yml'],
      ['PLM-SECRET-AZURE-STORAGE-KEY', 'app/config.yml'],
      ['PLM-SECRET-GITHUB-TOKEN', 'app/config.yml'],
      ['PLM-SECRET-GITLAB-TOKEN', 'app/config.yml'],
      ['PLM-SECRET-SLACK-TOKEN', 'app/config.yml'],
      ['PLM-SECRET-STRIPE-KEY', 'app/config.yml'],
      ['PLM-SECRET-PYPI-TOKEN', 'app/config.yml'],
      ['PLM-SECRET-JWT', 'app/config.yml'],
      ['PLM-SECRET-GCP-SERVICE-ACCOUNT', 'app/sa.json'],
      ['PLM-SECRET-NPMRC', 'app/.npmrc'],
      ['PLM-SECRET-DOTENV', 'app/.env'],
      ['PLM-SECRET-AWS-CREDENTIALS', 'home/app/.aws/credentials'],
      ['PLM-SECRET-AWS-ACCESS-KEY-ID', 'home/app/.aws/credentials'],
      ['PLM-SECRET-GIT-CREDENTIALS', 'root/.git-credentials'],
      ['PLM-SECRET-PRIVATE-KEY', 'app/deploy/id_rsa'],
      ...(ssh ? [['PLM-SECRET-PRIVATE-KEY', 'root/.ssh/id_ed25519'] as [string, string]] : []),
    ];
    const secrets = result.findings.filter((f) => f.kind === 'secret' && f.id !== 'PLM-CONFIG-SECRET');
    assert.deepEqual(secrets.map((f) => `${f.id} ${f.path}`).sort(), expected.map(([id, path]) => `${id} ${path}`).sort());
    for (const f of secrets) {
      assert.equal(f.layer?.index, 1, `${f.id} ${f.path} is in layer 1`);
      assert.equal(f.origin, 'own');
      assert.match(f.createdBy ?? '', /curl -fsSL/);
      assert.ok(f.evidence && (/\*{4}/.test(f.evidence) || f.evidence.endsWith('(body masked)')), `${f.id} evidence is masked: ${f.evidence}`);
    }
    assert.match(find('PLM-SECRET-AWS-SECRET-KEY')?.evidence ?? '', /^aws_secret_access_key=/);
    assert.equal(find('PLM-SECRET-GITHUB-TOKEN')?.line, 6);
  });

  it('reports the deleted key with the layer that holds it and the one that deleted it', () => {
    const key = find('PLM-SECRET-PRIVATE-KEY', 'app/deploy/id_rsa');
    assert.equal(key?.layer?.index, 1);
    assert.equal(key?.deletedIn?.index, 2);
    assert.match(key?.deletedIn?.createdBy ?? '', /rm \/app\/deploy\/id_rsa/);
    assert.match(key?.title ?? '', /RSA.*deleted in layer 2 but still in layer 1/);
    assert.equal(key?.evidence, '-----BEGIN RSA PRIVATE KEY----- (body masked)');
    assert.equal(result.findings.filter((f) => f.deletedIn).length, 1);
  });

  it('reads the OpenSSH key format', { skip: sshKeygenAvailable() ? undefined : 'ssh-keygen not installed (apt-get install openssh-client)' }, () => {
    assert.match(find('PLM-SECRET-PRIVATE-KEY', 'root/.ssh/id_ed25519')?.title ?? '', /\(OPENSSH\)/);
  });

  it('never prints a planted secret in full', () => {
    const text = JSON.stringify(result) + result.redact(`|1 NPM_TOKEN=${buildArgToken} /bin/sh -c`);
    for (const secret of PLANTED) assert.ok(!text.includes(secret), `a finding prints ${secret.slice(0, 6)}… in full`);
    assert.ok(!text.includes(s.rsaPem.split('\n')[1] as string));
  });

  it('leaves the decoys alone: test fixtures, documentation, documented example keys', () => {
    for (const path of ['app/test/fixtures/server.key', 'app/docs/setup.md', 'app/settings.yml']) {
      assert.deepEqual(
        result.findings.filter((f) => f.path === path),
        [],
        path,
      );
    }
  });

  it('finds the config and history problems', () => {
    const config = result.findings.filter((f) => f.id === 'PLM-CONFIG-SECRET');
    assert.deepEqual(config.map((f) => f.title).sort(), ['Secret in ENV DB_PASSWORD', 'npm access token in build arg NPM_TOKEN']);
    assert.ok(config.every((f) => f.evidence && !f.evidence.includes(s.dbPassword) && !f.evidence.includes(buildArgToken)));
    assert.equal(find('PLM-ROOT-USER')?.title, 'Runs as root (USER root)');
    // History steps go through the Dockerfile rules, which place each finding on the step's layer.
    assert.deepEqual(
      result.findings.filter((f) => f.id === 'PLD028').map((f) => f.title),
      ['Remote-administration port exposed: 22/tcp (SSH)'],
    );
    assert.equal(find('PLD040')?.layer?.index, 3);
    assert.equal(find('PLD025')?.layer?.index, 1);
    assert.equal(find('PLD025')?.severity, 'HIGH');
    assert.equal(find('PLD015')?.layer?.index, 1);
    assert.ok(!JSON.stringify(result.findings).includes(buildArgToken), 'the build arg on the RUN step is masked in evidence');
    assert.ok(find('PLM-NO-HEALTHCHECK'));
    assert.ok(find('PLM-LATEST-TAG'));
    assert.equal(find('PLM-PACKAGE-CACHE')?.path, 'var/cache/apk');
    assert.equal(find('PLM-EOL-OS')?.origin, 'base');
  });

  it('lists the setuid file and the world-writable directory (not the sticky /tmp), with their layer', () => {
    assert.deepEqual(
      result.findings.filter((f) => f.id === 'PLM-SETUID').map((f) => [f.path, f.layer?.index, f.origin]),
      [['usr/bin/suidtool', 0, 'base']],
    );
    assert.deepEqual(
      result.findings.filter((f) => f.id === 'PLM-WORLD-WRITABLE').map((f) => [f.path, f.layer?.index]),
      [['srv/shared', 0]],
    );
    assert.equal(result.attackSurface.setuidFiles, 1);
  });

  it('splits base and own layers at the base CMD', () => {
    assert.deepEqual(result.baseImage.layers, { base: 1, own: 3, method: 'history', inferred: true });
    assert.equal(result.baseImage.kind, 'alpine');
  });
});

/** The config group alone, run on an image built from `steps`. */
function configChecks(steps: ImageStep[]): Promise<ReturnType<typeof runHardening>> {
  return withUmociImage(steps, 'test', async (layout) => {
    const image = await openImage(`oci:${layout}:test`);
    try {
      const contents = await readImage(image, { requests: hardeningRequests(image.config) });
      return runHardening({ image, contents, packages: [], groups: ['config'] });
    } finally {
      await image.close();
    }
  });
}

describe('check groups', { skip: noUmoci }, () => {
  it('config-only runs still mask history secrets', async () => {
    const token = `ghp_${base62(36)}`;
    const steps: ImageStep[] = [
      { createdBy: `|1 GH_TOKEN=${token} /bin/sh -c curl -fsSL https://get.example.invalid/i.sh | sh`, write: [dir('app'), file('app/x', 'x')] },
    ];
    const r = await configChecks(steps);
    assert.ok(r.findings.some((f) => f.id === 'PLD025'));
    assert.ok(!r.findings.some((f) => f.kind === 'secret'));
    assert.ok(!JSON.stringify(r.findings).includes(token));
  });

  it('ports set without an EXPOSE step (jib, ko) still meet the sensitive-port rule', async () => {
    const steps: ImageStep[] = [
      { createdBy: 'jib-maven-plugin:3.4.0', write: [dir('app'), file('app/x', 'x')] },
      { config: { exposedPorts: ['2375/tcp', '8080/tcp'] }, createdBy: 'jib-maven-plugin:3.4.0' },
    ];
    const r = await configChecks(steps);
    const ports = r.findings.filter((f) => f.id === 'PLD028');
    assert.deepEqual(
      ports.map((f) => [f.title, f.layer]),
      [['Remote-administration port exposed: 2375/tcp (Docker API without TLS)', undefined]],
    );
  });
});
