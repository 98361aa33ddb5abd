// Credentials from docker's config.json and docker-credential-* helpers,
// proven against the testbed's basic-auth registry where a registry is needed.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseReference, type ImageReference } from '../../../src/image/reference.js';
import { DOCKER_HUB_CONFIG_KEY, lookupCredentials } from '../../../src/image/registry/credentials.js';
import { openRegistryImage } from '../../../src/image/sources/registry.js';
import { TESTBED, needTestbed, registryEnv } from '../../helpers/testbed.js';

const env = registryEnv();
const skip = needTestbed() ?? (env ? undefined : `testbed registries not started (registry.sh start ${TESTBED} && registry.sh push ${TESTBED})`);

// A hand-written credential helper speaking docker's protocol: `get`, server URL on
// stdin, JSON on stdout. It logs the server URL it was asked for, and knows one server.
const bin = mkdtempSync(join(tmpdir(), 'plimsoll-helper-'));
const helperLog = join(bin, 'asked');
function installHelper(server: string, user: string, secret: string): void {
  const reply = JSON.stringify({ ServerURL: server, Username: user, Secret: secret });
  writeFileSync(
    join(bin, 'docker-credential-plimtest'),
    `#!/bin/sh
[ "$1" = get ] || exit 1
server=$(cat)
printf '%s\\n' "$server" >> '${helperLog}'
if [ "$server" = '${server}' ]; then printf '%s' '${reply}'; exit 0; fi
echo 'credentials not found in native keychain'; exit 1
`,
  );
  chmodSync(join(bin, 'docker-credential-plimtest'), 0o755);
  writeFileSync(helperLog, '');
}
process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;

function configDir(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-dockercfg-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const asked = (): string[] => readFileSync(helperLog, 'utf8').split('\n').filter(Boolean);

describe('docker config credentials against the basic-auth registry', { skip }, () => {
  const { auth = '', user = '', password = '' } = env ?? {};
  const text = `docker://${auth}/testbed/alpine-3.20:3.20.3`;
  const ref = () => parseReference(text) as Extract<ImageReference, { transport: 'docker' }>;

  it('an auths entry (base64 user:password)', async () => {
    const dir = configDir({ auths: { [`http://${auth}`]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } });
    const img = await openRegistryImage(ref(), text, { dockerConfigDir: dir });
    assert.ok(img.digest?.startsWith('sha256:'));
    await img.close();
  });

  it('a wrong auths entry names the config file', async () => {
    const dir = configDir({ auths: { [auth]: { auth: Buffer.from(`${user}:bad`).toString('base64') } } });
    await assert.rejects(openRegistryImage(ref(), text, { dockerConfigDir: dir }), {
      message: `wrong credentials for ${auth} (from ${join(dir, 'config.json')})`,
    });
  });

  it('credHelpers runs docker-credential-NAME get with the registry on stdin', async () => {
    installHelper(auth, user, password);
    const dir = configDir({ credHelpers: { [auth]: 'plimtest' }, auths: { [auth]: { auth: Buffer.from('x:y').toString('base64') } } });
    const img = await openRegistryImage(ref(), text, { dockerConfigDir: dir });
    await img.close();
    assert.deepEqual(asked(), [auth]);
  });

  it('credsStore is asked for every registry', async () => {
    installHelper(auth, user, password);
    const img = await openRegistryImage(ref(), text, { dockerConfigDir: configDir({ credsStore: 'plimtest' }) });
    await img.close();
    assert.deepEqual(asked(), [auth]);
  });

  it('--username/--password win over the config file, which is then not read', async () => {
    installHelper(auth, user, 'wrong');
    const img = await openRegistryImage(ref(), text, { dockerConfigDir: configDir({ credsStore: 'plimtest' }), username: user, password });
    await img.close();
    assert.deepEqual(asked(), []);
  });
});

describe('lookupCredentials', () => {
  it("finds Docker Hub's entry under https://index.docker.io/v1/ and asks helpers with that URL", async () => {
    installHelper(DOCKER_HUB_CONFIG_KEY, 'hubuser', 'hubsecret');
    const fromAuths = await lookupCredentials('registry-1.docker.io', {
      dockerConfigDir: configDir({ auths: { [DOCKER_HUB_CONFIG_KEY]: { auth: Buffer.from('me:pw:with:colons').toString('base64') } } }),
    });
    assert.deepEqual(fromAuths, { username: 'me', password: 'pw:with:colons', source: fromAuths?.source });
    const fromStore = await lookupCredentials('registry-1.docker.io', { dockerConfigDir: configDir({ credsStore: 'plimtest' }) });
    assert.deepEqual(fromStore, { username: 'hubuser', password: 'hubsecret', source: 'docker-credential-plimtest' });
    assert.deepEqual(asked(), [DOCKER_HUB_CONFIG_KEY]);
  });

  it('falls back from a credsStore that has nothing to the auths entry', async () => {
    installHelper('elsewhere.example', 'u', 'p');
    const creds = await lookupCredentials('registry.example:5000', {
      dockerConfigDir: configDir({ credsStore: 'plimtest', auths: { 'https://registry.example:5000/v2/': { username: 'a', password: 'b' } } }),
    });
    assert.equal(creds?.username, 'a');
    assert.equal(creds?.password, 'b');
  });

  it('"<token>" from a helper is an identity token', async () => {
    installHelper('registry.example', '<token>', 'refresh-me');
    const creds = await lookupCredentials('registry.example', { dockerConfigDir: configDir({ credHelpers: { 'registry.example': 'plimtest' } }) });
    assert.deepEqual(creds, { identityToken: 'refresh-me', source: 'docker-credential-plimtest' });
  });

  it('a missing helper, or a config that is not JSON, is a one-line error', async () => {
    const dir = configDir({ credHelpers: { 'registry.example': 'absent-helper' } });
    await assert.rejects(lookupCredentials('registry.example', { dockerConfigDir: dir }), {
      message: `docker-credential-absent-helper (credential helper named in ${join(dir, 'config.json')}) is not on PATH`,
    });
    const bad = mkdtempSync(join(tmpdir(), 'plimsoll-dockercfg-'));
    writeFileSync(join(bad, 'config.json'), '{ not json');
    await assert.rejects(lookupCredentials('registry.example', { dockerConfigDir: bad }), {
      message: `${join(bad, 'config.json')}: docker config is not valid JSON`,
    });
  });

  it('no config file means no credentials', async () => {
    assert.equal(await lookupCredentials('registry.example', { dockerConfigDir: mkdtempSync(join(tmpdir(), 'plimsoll-empty-')) }), undefined);
  });
});
