// Base-image identification on hand-built images (test/helpers/make-image.ts): the marker files each
// distribution ships, written here by hand, for the kinds the testbed has no image of.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { gzLayer, writeLayout, type TarEntry } from '../helpers/make-image.js';
import type { HardeningResult } from '../../src/hardening/run.js';
import { scanHardening } from './pipeline.js';

const file = (name: string, body: string | Buffer, mode = 0o644): TarEntry => ({ name, body, mode });
const osRelease = (fields: string): TarEntry => file('etc/os-release', `${fields}\n`);
const deb = (name: string): TarEntry =>
  file(`var/lib/dpkg/status.d/${name}`, `Package: ${name}\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: x\nDescription: x\n`);

/** A hand-written minimal ELF64 executable: one PT_LOAD, plus PT_INTERP when `dynamic` (what makes it need ld.so). */
function minimalElf(dynamic: boolean): Buffer {
  const phnum = dynamic ? 2 : 1;
  const b = Buffer.alloc(64 + 56 * phnum + 32);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 0x10);
  b.writeUInt16LE(0x3e, 0x12);
  b.writeUInt32LE(1, 0x14);
  b.writeBigUInt64LE(64n, 0x20);
  b.writeUInt16LE(64, 0x34);
  b.writeUInt16LE(56, 0x36);
  b.writeUInt16LE(phnum, 0x38);
  b.writeUInt16LE(64, 0x3a);
  b.writeUInt32LE(1, 64);
  if (dynamic) b.writeUInt32LE(3, 64 + 56);
  return b;
}

async function scan(entries: TarEntry[], config: object = {}, annotations?: Record<string, string>): Promise<HardeningResult> {
  const layout = writeLayout([await gzLayer(entries)], { tag: '1', config: { config }, ...(annotations ? { annotations } : {}) });
  try {
    return await scanHardening(`oci:${layout}:1`);
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}

const SH = file('bin/sh', '#!', 0o755);

describe('base image identification', () => {
  it('Debian slim: dpkg excludes /usr/share/doc', async () => {
    const r = await scan([
      osRelease('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm'),
      file('etc/debian_version', '12.8\n'),
      file('etc/dpkg/dpkg.cfg.d/docker', 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\n'),
      SH,
    ]);
    assert.equal(r.baseImage.kind, 'debian-slim');
    assert.equal(r.baseImage.release, '12.8');
  });

  it('Debian without the excludes is full Debian, and the advice names its slim form', async () => {
    const r = await scan([osRelease('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm'), file('etc/debian_version', '12.8\n'), SH]);
    assert.equal(r.baseImage.kind, 'debian');
    assert.match(r.recommendation, /debian:bookworm-slim/);
  });

  it('distroless static: no libc; a static entry binary keeps it', async () => {
    const r = await scan([osRelease('ID=debian\nVERSION_ID="12"'), deb('base-files'), deb('netbase'), deb('tzdata'), file('app', minimalElf(false), 0o755)], {
      Entrypoint: ['/app'],
      User: '65532',
    });
    assert.equal(r.baseImage.kind, 'distroless');
    assert.equal(r.baseImage.variant, 'static');
    assert.deepEqual(r.entryBinary, { path: 'app', static: true });
    assert.match(r.recommendation, /^Keep distroless static/);
  });

  it('distroless base running a static binary: static is enough', async () => {
    const r = await scan([osRelease('ID=debian\nVERSION_ID="12"'), deb('base-files'), deb('libc6'), deb('libssl3'), file('app', minimalElf(false), 0o755)], {
      Entrypoint: ['/app'],
    });
    assert.equal(r.baseImage.variant, 'base');
    assert.match(r.recommendation, /^Use gcr\.io\/distroless\/static or scratch: \/app is a static binary/);
  });

  it('scratch with a dynamic binary: needs a libc image', async () => {
    const r = await scan([file('app', minimalElf(true), 0o755)], { Entrypoint: ['/app'] });
    assert.equal(r.baseImage.kind, 'scratch');
    assert.equal(r.entryBinary?.static, false);
    assert.match(r.recommendation, /dynamically linked.*distroless\/base/);
  });

  it('a full distribution running a static binary: scratch or distroless static', async () => {
    const r = await scan(
      [osRelease('ID=ubuntu\nVERSION_ID="24.04"'), SH, file('usr/bin/apt-get', '#!', 0o755), file('usr/local/bin/server', minimalElf(false), 0o755)],
      { Cmd: ['server'] },
    );
    assert.equal(r.baseImage.kind, 'ubuntu');
    assert.match(
      r.recommendation,
      /^Use scratch or gcr\.io\/distroless\/static: \/usr\/local\/bin\/server is a static binary; the shell \(sh\) and the package manager \(apt-get\) are present/,
    );
  });

  it('UBI minimal, UBI micro and UBI by their package manager', async () => {
    const rhel = osRelease('ID="rhel"\nVERSION_ID="9.4"\nNAME="Red Hat Enterprise Linux"');
    assert.equal((await scan([rhel, SH, file('usr/bin/microdnf', '#!', 0o755)])).baseImage.kind, 'ubi-minimal');
    assert.equal((await scan([rhel, SH, file('usr/bin/dnf', '#!', 0o755)])).baseImage.kind, 'ubi');
    assert.equal((await scan([rhel])).baseImage.kind, 'ubi-micro');
  });

  it('Wolfi, Chainguard (by its repository), Bottlerocket, Flatcar, other', async () => {
    const wolfi = osRelease('ID=wolfi\nVERSION_ID=20230201');
    assert.equal((await scan([wolfi, file('etc/apk/repositories', 'https://packages.wolfi.dev/os\n')])).baseImage.kind, 'wolfi');
    assert.equal((await scan([wolfi, file('etc/apk/repositories', 'https://packages.cgr.dev/os\n')])).baseImage.kind, 'chainguard');
    assert.equal((await scan([osRelease('ID=bottlerocket\nVERSION_ID=1.20.0')])).baseImage.kind, 'bottlerocket');
    assert.equal((await scan([osRelease('ID=flatcar\nVERSION_ID=3815.2.0')])).baseImage.kind, 'flatcar');
    assert.equal((await scan([osRelease('ID=gentoo\nVERSION_ID=2.15\nPRETTY_NAME="Gentoo Linux"')])).baseImage.kind, 'other');
  });

  it('names the base from the org.opencontainers.image.base labels', async () => {
    const labels = {
      'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20',
      'org.opencontainers.image.base.digest': `sha256:${'b'.repeat(64)}`,
    };
    const r = await scan([osRelease('ID=alpine\nVERSION_ID=3.20.3'), SH], { Labels: labels });
    assert.equal(r.baseImage.reference, 'docker.io/library/alpine:3.20');
    assert.equal(r.baseImage.digest, `sha256:${'b'.repeat(64)}`);
  });

  it('prefers the manifest annotations, where the OCI spec puts them, to labels', async () => {
    const annotations = {
      'org.opencontainers.image.base.name': 'cgr.dev/chainguard/static:latest',
      'org.opencontainers.image.base.digest': `sha256:${'c'.repeat(64)}`,
    };
    const labels = { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3.20' };
    const r = await scan([osRelease('ID=alpine\nVERSION_ID=3.20.3'), SH], { Labels: labels }, annotations);
    assert.equal(r.baseImage.reference, 'cgr.dev/chainguard/static:latest');
    assert.equal(r.baseImage.digest, `sha256:${'c'.repeat(64)}`);
  });

  it('a USER name is looked up in etc/passwd', async () => {
    const passwd = file('etc/passwd', 'root:x:0:0::/root:/bin/sh\nadmin:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
    assert.ok((await scan([passwd], { User: 'admin' })).findings.some((f) => f.id === 'PLM-ROOT-USER'));
    assert.ok(!(await scan([passwd], { User: 'app:app' })).findings.some((f) => f.id === 'PLM-ROOT-USER'));
  });
});
