// The registry source against the testbed's two real registries (CNCF distribution):
// digests compared with the testbed truth and with skopeo.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlimsollError } from '../../../src/errors.js';
import { parseReference, type ImageReference } from '../../../src/image/reference.js';
import { openRegistryImage } from '../../../src/image/sources/registry.js';
import type { ResolvedImage, SourceOptions } from '../../../src/image/types.js';
import { IMAGES, TESTBED, needRegistry, registryEnv } from '../../helpers/testbed.js';
import { drain } from './fake-registry.js';

const env = registryEnv();
const skip = needRegistry();
const noConfig = mkdtempSync(join(tmpdir(), 'plimsoll-noconfig-'));

interface TruthImage {
  manifestDigest: string;
  configDigest: string;
  layers: { digest: string; size: number }[];
}

function truth(name: string, arch = 'amd64'): TruthImage {
  const dir = name === 'alpine-multiarch' ? join(TESTBED, 'truth', name, `linux-${arch}`) : join(TESTBED, 'truth', name);
  return JSON.parse(readFileSync(join(dir, 'image.json'), 'utf8')) as TruthImage;
}

function skopeoInspect(ref: string, args: string[] = []): { Digest: string; Layers: string[] } {
  const out = execFileSync('skopeo', ['inspect', '--tls-verify=false', ...args, ref], { encoding: 'utf8' });
  return JSON.parse(out) as { Digest: string; Layers: string[] };
}

function skopeoRaw(ref: string): { manifests: { digest: string; platform: { architecture: string } }[] } {
  return JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ref], { encoding: 'utf8' })) as ReturnType<typeof skopeoRaw>;
}

function open(text: string, options: SourceOptions = {}): Promise<ResolvedImage> {
  return openRegistryImage(parseReference(text) as Extract<ImageReference, { transport: 'docker' }>, text, { dockerConfigDir: noConfig, ...options });
}

const amd64 = { os: 'linux', architecture: 'amd64' };

/**
 * Resolves every testbed image: `digest` is what skopeo inspect reports (the
 * index for alpine-multiarch), `manifestDigest` the truth's platform manifest;
 * then reads every layer to the end (the stream verifies each digest).
 */
async function checkEveryImage(host: string, options: SourceOptions, skopeoArgs: string[]): Promise<void> {
  for (const [name, tag] of Object.entries(IMAGES)) {
    const want = truth(name);
    const text = `docker://${host}/testbed/${name}:${tag}`;
    const img = await open(text, { platform: amd64, ...options });
    assert.equal(img.digest, skopeoInspect(text, skopeoArgs).Digest, name);
    assert.equal(img.manifestDigest, want.manifestDigest, name);
    assert.equal(img.configDigest, want.configDigest, name);
    assert.deepEqual(
      img.layers.map((l) => ({ digest: l.digest, size: l.size })),
      want.layers.map((l) => ({ digest: l.digest, size: l.size })),
      name,
    );
    for (const layer of img.layers) assert.equal(await drain(await layer.open()), layer.size, `${name} ${layer.digest}`);
    await img.close();
  }
}

describe('testbed registries', { skip }, () => {
  const { auth = '', anon = '', user = '', password = '' } = env ?? {};

  it('anonymous registry: every image resolves to skopeo and the truth, and its layers verify to the end', async () => {
    await checkEveryImage(anon, {}, []);
  });

  it('basic-auth registry with the right password: the same, layers included', async () => {
    await checkEveryImage(auth, { username: user, password }, ['--creds', `${user}:${password}`]);
  });

  it('basic-auth registry with a wrong password: one line, exit 2', async () => {
    await assert.rejects(open(`docker://${auth}/testbed/alpine-3.20:3.20.3`, { username: user, password: `${password}x` }), (err: Error) => {
      assert.ok(err instanceof PlimsollError);
      assert.equal(err.message, `wrong credentials for ${auth}`);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });

  it('basic-auth registry without credentials says authentication is required', async () => {
    const text = `docker://${auth}/testbed/alpine-3.20:3.20.3`;
    await assert.rejects(open(text), { message: `${text}: ${auth} requires authentication (use --username and --password, or docker login)` });
  });

  for (const tag of ['3.20.3', '3.20.3-docker']) {
    for (const arch of ['amd64', 'arm64']) {
      it(`alpine-multiarch:${tag} --platform linux/${arch} gives that platform's manifest`, async () => {
        const text = `docker://${auth}/testbed/alpine-multiarch:${tag}`;
        const img = await open(text, { username: user, password, platform: { os: 'linux', architecture: arch } });
        const creds = ['--creds', `${user}:${password}`];
        // The OCI index holds the layouts' manifests (truth); the Docker list holds skopeo's converted ones.
        const expected =
          tag === '3.20.3'
            ? truth('alpine-multiarch', arch).manifestDigest
            : skopeoRaw(`docker://${anon}/testbed/alpine-multiarch:${tag}`).manifests.find((m) => m.platform.architecture === arch)?.digest;
        assert.equal(img.manifestDigest, expected);
        assert.deepEqual(img.platform, { os: 'linux', architecture: arch });
        const inspected = skopeoInspect(text, [...creds, '--override-arch', arch, '--override-os', 'linux']);
        assert.equal(img.digest, inspected.Digest);
        assert.deepEqual(
          img.layers.map((l) => l.digest),
          inspected.Layers,
        );
        for (const layer of img.layers) assert.equal(await drain(await layer.open()), layer.size);
        await img.close();
      });
    }
    it(`alpine-multiarch:${tag} --platform linux/s390x lists the platforms offered`, async () => {
      const text = `docker://${anon}/testbed/alpine-multiarch:${tag}`;
      await assert.rejects(open(text, { platform: { os: 'linux', architecture: 's390x' } }), (err: Error) => {
        assert.ok(err instanceof PlimsollError);
        assert.equal(err.message, `${text}: no image for platform linux/s390x (the index has: linux/amd64, linux/arm64); choose one with --platform`);
        return true;
      });
    });
  }

  it('an unknown tag is a one-line error naming the reference', async () => {
    const text = `docker://${anon}/testbed/alpine-3.20:no-such-tag`;
    await assert.rejects(open(text), { name: 'PlimsollError', message: `${text}: manifest unknown (tag not found)` });
  });

  it('a digest reference resolves to that manifest', async () => {
    const want = truth('alpine-3.20');
    const img = await open(`docker://${anon}/testbed/alpine-3.20@${want.manifestDigest}`);
    assert.equal(img.digest, want.manifestDigest);
    assert.equal(img.manifestDigest, want.manifestDigest);
    assert.equal(img.configDigest, want.configDigest);
    await img.close();
    const unknown = `docker://${anon}/testbed/alpine-3.20@sha256:${'0'.repeat(64)}`;
    await assert.rejects(open(unknown), { message: `${unknown}: manifest sha256:${'0'.repeat(64)} unknown (digest not found)` });
  });
});
