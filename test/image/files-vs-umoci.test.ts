// `plimsoll files` against the reference unpacker (umoci) for every testbed image and transport,
// and `artifact.digest` against `skopeo inspect`.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openImage } from '../../src/image/open.js';
import { readImage } from '../../src/image/scan.js';
import { parsePlatform } from '../../src/image/manifest.js';
import { fileRows, type FileRow } from '../../src/report/files.js';
import { IMAGES, TESTBED, needTestbed, registryEnv } from '../helpers/testbed.js';
import { listRootfs, referenceRootfs, type RefRow } from '../helpers/reference-rootfs.js';

interface Case {
  ref: string;
  /** The same image as skopeo names it (transport syntax shared, options differ). */
  skopeo: string[];
  platform?: string;
  username?: string;
  password?: string;
}

function cases(name: string, tag: string, platform: string | undefined): Case[] {
  const out: Case[] = [
    { ref: `oci:${TESTBED}/oci/${name}:${tag}`, skopeo: [`oci:${TESTBED}/oci/${name}:${tag}`] },
    { ref: `oci-archive:${TESTBED}/oci-archive/${name}.tar:${tag}`, skopeo: [`oci-archive:${TESTBED}/oci-archive/${name}.tar:${tag}`] },
  ];
  const archive = name === 'alpine-multiarch' ? (platform === 'linux/amd64' ? 'alpine-multiarch-amd64' : undefined) : name;
  if (archive && existsSync(join(TESTBED, 'docker-archive', `${archive}.tar`))) {
    out.push({ ref: `docker-archive:${TESTBED}/docker-archive/${archive}.tar`, skopeo: [`docker-archive:${TESTBED}/docker-archive/${archive}.tar`] });
  }
  const reg = registryEnv();
  if (reg) {
    const tags = name === 'alpine-multiarch' ? [tag, `${tag}-docker`] : [tag];
    for (const t of tags) {
      out.push({ ref: `docker://${reg.anon}/testbed/${name}:${t}`, skopeo: ['--tls-verify=false', `docker://${reg.anon}/testbed/${name}:${t}`] });
      out.push({
        ref: `${reg.auth}/testbed/${name}:${t}`,
        skopeo: ['--tls-verify=false', '--creds', `${reg.user}:${reg.password}`, `docker://${reg.auth}/testbed/${name}:${t}`],
        username: reg.user,
        password: reg.password,
      });
    }
  }
  return out.map((c) => (platform ? { ...c, platform } : c));
}

function skopeoDigest(c: Case): string {
  const [os, arch] = c.platform ? c.platform.split('/') : [];
  const global = os && arch ? ['--override-os', os, '--override-arch', arch] : [];
  return execFileSync('skopeo', [...global, 'inspect', '--format', '{{.Digest}}', ...c.skopeo], { encoding: 'utf8' }).trim();
}

/** Plimsoll's rows in the reference's terms: a hard link is a file once unpacked. */
function comparable(rows: FileRow[]): RefRow[] {
  return rows
    .map((r) => {
      const type = r.type === 'hardlink' ? 'file' : r.type;
      const row: RefRow = { path: r.path, type, mode: r.mode, size: type === 'file' ? r.size : 0 };
      if (r.type === 'symlink') row.linkTarget = r.linkTarget;
      return row;
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Symlink permission bits are meaningless on Linux (always 0777 once unpacked). */
function withoutSymlinkModes(rows: RefRow[]): RefRow[] {
  return rows.map((r) => (r.type === 'symlink' ? { ...r, mode: '-' } : r));
}

const skip = needTestbed();
for (const [name, tag] of Object.entries(IMAGES)) {
  const platforms = name === 'alpine-multiarch' ? ['linux/amd64', 'linux/arm64'] : [undefined];
  for (const platform of platforms) {
    describe(`files of ${name}:${tag}${platform ? ` (${platform})` : ''} equal umoci unpack`, { skip }, () => {
      let expected: RefRow[] = [];
      before(() => {
        expected = withoutSymlinkModes(listRootfs(referenceRootfs(name, tag, platform)));
      });
      for (const c of skip ? [] : cases(name, tag, platform)) {
        it(c.ref.replace(TESTBED, '$TESTBED'), async () => {
          const image = await openImage(c.ref, {
            ...(c.platform ? { platform: parsePlatform(c.platform) } : {}),
            ...(c.username ? { username: c.username, password: c.password } : {}),
            insecure: true,
          });
          const contents = await readImage(image);
          await image.close();
          assert.equal(image.digest, skopeoDigest(c), 'artifact digest = skopeo inspect');
          const actual = withoutSymlinkModes(comparable(fileRows(contents.fs)));
          assert.equal(actual.length, expected.length, 'number of paths');
          assert.deepEqual(actual, expected);
        });
      }
    });
  }
}
