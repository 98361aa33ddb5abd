// The adversarial corpus: hostile and odd images built from the testbed's real Alpine and Debian
// layers (and a few synthetic ones), each with what Plimsoll must do with it.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TESTBED } from '../helpers/testbed.js';
import { sha256, writeLayout } from '../helpers/make-image.js';
import { END, base256, header, member } from './tar-variants.js';
import { MANIFESTS, manifestOver, manifestWithin } from './large-manifests.js';
import { MAX_MANIFEST_SIZE } from '../../src/ecosystems/common/parse.js';

/** The warning of a file skipped for its size. */
const TOO_LARGE = /larger than \d+ bytes/;

export interface Expect {
  /** 0: a result (with warnings); 2: a one-line error. */
  exit: 0 | 2;
  /** Matched against the one-line error, or against some warning. */
  message?: RegExp;
  /** Packages the result must list, `name@version`. */
  packages?: string[];
  /** Exactly this many packages. */
  packageCount?: number;
  /** Exactly this many packages of this type (`apk`: the database's, whatever binaries are fingerprinted besides). */
  ofType?: { type: string; count: number };
}

export interface Case {
  name: string;
  ref: string;
  /** The command run (default `sbom`): `image` for a case that needs its scanners' requests too. */
  command?: 'sbom' | 'image';
  args?: string[];
  expect: Expect;
}

/** The uncompressed tar of layer `index` of a testbed OCI layout. */
export function testbedLayer(image: string, index = 0): Buffer {
  const dir = join(TESTBED, 'oci', image);
  const blob = (digest: string): Buffer => readFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)));
  const index0 = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(blob(index0.manifests[0]?.digest ?? '').toString('utf8')) as { layers: { digest: string }[] };
  const stored = blob(manifest.layers[index]?.digest ?? '');
  return stored[0] === 0x1f ? gunzipSync(stored) : stored;
}

/** One regular file's body out of a tar (stored as `name` or `./name`). */
export function tarFile(tar: Buffer, name: string): Buffer {
  for (const stored of [name, `./${name}`]) {
    const r = spawnSync('tar', ['-xOf', '-', stored], { input: tar, maxBuffer: 1 << 28 });
    if (r.status === 0 && r.stdout.length > 0) return r.stdout;
  }
  throw new Error(`${name} is not a regular file in the layer`);
}

/** The tar up to (not including) its end-of-archive marker: the entries a runtime unpacks. */
export function withoutEnd(tar: Buffer): Buffer {
  let pos = 0;
  while (pos + 512 <= tar.length && tar.subarray(pos, pos + 512).some((b) => b !== 0)) {
    const size = parseInt(
      tar
        .toString('latin1', pos + 124, pos + 136)
        .replace(/\0.*$/, '')
        .trim() || '0',
      8,
    );
    const type = String.fromCharCode(tar[pos + 156] ?? 48);
    pos += 512 + (['1', '2', '3', '4', '5', '6'].includes(type) ? 0 : Math.ceil(size / 512) * 512);
  }
  return tar.subarray(0, pos);
}

function apkVersions(db: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const para of db.split('\n\n')) {
    const name = /^P:(.*)$/m.exec(para)?.[1];
    const version = /^V:(.*)$/m.exec(para)?.[1];
    if (name && version) out.set(name, version);
  }
  return out;
}

const layout = (...tars: Buffer[]): string => `oci:${writeLayout(tars.map((tar) => ({ blob: gzipSync(tar), tar })))}`;
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'plimsoll-corpus-'));

/** A tar file holding `members` (for docker-archive: and oci-archive: cases). */
function archiveFile(members: Buffer[]): string {
  const file = join(tempDir(), 'image.tar');
  writeFileSync(file, Buffer.concat([...members, END]));
  return file;
}

export function buildCorpus(): Case[] {
  const alpine = testbedLayer('alpine-3.10');
  const alpineBody = withoutEnd(alpine);
  const db = tarFile(alpine, 'lib/apk/db/installed').toString('utf8');
  const versions = apkVersions(db);
  const musl = `musl@${versions.get('musl') ?? '?'}`;
  const newer = db.replace(/^V:.*$/gm, 'V:99.0-r0');
  const debian = testbedLayer('debian-bookworm');
  const dpkgStatus = tarFile(debian, 'var/lib/dpkg/status');
  const debPackages = (dpkgStatus.toString('utf8').match(/^Package: /gm) ?? []).length;
  const osRelease = tarFile(debian, 'usr/lib/os-release');
  const cases: Case[] = [];
  const add = (name: string, ref: string, expect: Expect, args: string[] = [], command?: Case['command']): void => {
    cases.push({ name, ref, expect, args, ...(command ? { command } : {}) });
  };

  // Tar the way runtimes read it.
  add(
    'a second apk database after the end-of-archive marker is ignored',
    layout(Buffer.concat([alpine, member({ name: 'lib/apk/db/installed' }, newer), END])),
    {
      exit: 0,
      packages: [musl],
      packageCount: versions.size,
      message: /after the end-of-archive marker ignored/,
    },
  );
  add('a zero block in mid-stream is refused', layout(Buffer.concat([alpineBody, Buffer.alloc(512), member({ name: 'lib/apk/db/installed' }, newer), END])), {
    exit: 2,
    message: /zero block in mid-stream/,
  });
  add('a layer with no end-of-archive marker', layout(alpineBody), { exit: 0, packages: [musl], message: /no end-of-archive marker/ });
  const lastMember = member({ name: 'etc/motd-extra' }, 'x'.repeat(100));
  add('a layer that ends right after the last entry', layout(Buffer.concat([alpineBody, lastMember.subarray(0, 612)])), {
    exit: 0,
    packages: [musl],
    message: /ends right after/,
  });
  add('an old V7-format layer on top of Alpine', layout(alpine, Buffer.concat([member({ name: 'opt/old', format: 'v7', type: '\0' }, 'v7\n'), END])), {
    exit: 0,
    packages: [musl],
    message: /V7-format/,
  });

  // Package databases reached through links, or missing.
  add(
    'lib/apk/db is a symlink to /x',
    layout(
      alpine,
      Buffer.concat([
        member({ name: 'lib/apk/.wh.db' }),
        member({ name: 'lib/apk/db', type: '2', linkname: '/x' }),
        member({ name: 'x/', type: '5' }),
        member({ name: 'x/installed' }, db),
        END,
      ]),
    ),
    { exit: 0, packages: [musl], packageCount: versions.size },
  );
  add(
    'the apk database written through a symlinked directory',
    layout(
      alpine,
      Buffer.concat([
        member({ name: 'lib/apk/.wh.db' }),
        member({ name: 'lib/apk/db', type: '2', linkname: '../../y' }),
        member({ name: 'y/', type: '5' }),
        END,
      ]),
      Buffer.concat([member({ name: 'lib/apk/db/installed' }, db), END]),
    ),
    { exit: 0, packages: [musl], packageCount: versions.size },
  );
  add(
    'var/lib/dpkg/status is a symlink to ../../elsewhere/status',
    layout(
      Buffer.concat([
        member({ name: 'etc/os-release' }, osRelease),
        member({ name: 'var/elsewhere/status' }, dpkgStatus),
        member({ name: 'var/lib/dpkg/status', type: '2', linkname: '../../elsewhere/status' }),
        END,
      ]),
    ),
    { exit: 0, packageCount: debPackages },
  );
  add(
    'the dpkg status file reached first through a link that only the secret scan wants',
    layout(
      Buffer.concat([member({ name: 'etc/os-release' }, osRelease), member({ name: 'var/elsewhere/status' }, dpkgStatus), END]),
      // Found first among the links: its name (a .pem) is one the secret scan wants, no analyzer.
      Buffer.concat([
        member({ name: 'srv/key.pem', type: '2', linkname: '../var/elsewhere/status' }),
        member({ name: 'var/lib/dpkg/status', type: '2', linkname: '../../elsewhere/status' }),
        END,
      ]),
    ),
    { exit: 0, packageCount: debPackages },
    ['--scanners', 'secret'],
    'image',
  );
  add('a deleted apk database is reported', layout(alpine, Buffer.concat([member({ name: 'lib/apk/db/.wh.installed' }), END])), {
    exit: 0,
    ofType: { type: 'apk', count: 0 },
    message: /apk database lib\/apk\/db\/installed is absent/,
  });
  add(
    'a looping apk database is reported',
    layout(
      alpine,
      Buffer.concat([member({ name: 'lib/apk/db/.wh.installed' }), member({ name: 'lib/apk/db/installed', type: '2', linkname: 'installed' }), END]),
    ),
    { exit: 0, ofType: { type: 'apk', count: 0 }, message: /leads nowhere/ },
  );

  // Hangs and unbounded reads.
  add('a docker-archive member with a negative size', `docker-archive:${archiveFile([header({ name: 'manifest.json', sizeField: base256(-4096n) })])}`, {
    exit: 2,
    message: /negative size/,
  });
  add(
    'an oci-archive with a PAX header whose records loop',
    `oci-archive:${archiveFile([member({ name: 'p', type: 'x' }, '0 path=x\n'), member({ name: 'index.json' }, '{}')])}`,
    { exit: 2, message: /invalid PAX header/ },
  );
  const fifoLayout = writeLayout([{ blob: gzipSync(alpine), tar: alpine }]);
  const fifoIndex = tempDir();
  mkdirSync(join(fifoIndex, 'blobs'));
  spawnSync('mkfifo', [join(fifoIndex, 'index.json')]);
  add('an OCI layout whose index.json is a FIFO', `oci:${fifoIndex}`, { exit: 2, message: /index\.json is a FIFO/ });
  const manifest = JSON.parse(readFileSync(join(fifoLayout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifestBlob = JSON.parse(readFileSync(join(fifoLayout, 'blobs/sha256', manifest.manifests[0]?.digest.slice(7) ?? ''), 'utf8')) as {
    layers: { digest: string }[];
  };
  const layerPath = join(fifoLayout, 'blobs/sha256', manifestBlob.layers[0]?.digest.slice(7) ?? '');
  spawnSync('rm', [layerPath]);
  symlinkSync('/dev/zero', layerPath);
  add('an OCI layout whose layer blob is a symlink to /dev/zero', `oci:${fifoLayout}`, { exit: 2, message: /is a device, not a regular file/ });
  const wide = [member({ name: 'wide/', type: '5' })];
  for (let i = 0; i < 130_000; i++) wide.push(header({ name: `wide/f${i}`, size: 0 }));
  add('a directory of 130,000 entries', layout(alpine, Buffer.concat([...wide, END])), { exit: 0, packages: [musl] });
  const links = [member({ name: 'target' }, 'same inode\n')];
  for (let i = 0; i < 150_000; i++) links.push(header({ name: `l/${i}`, type: '1', linkname: 'target' }));
  add('150,000 hard links to one file', layout(alpine, Buffer.concat([...links, END])), { exit: 0, packages: [musl] });

  // Lock files and manifests are parsed whole: past the limit each is refused with a warning, and the
  // image's other packages are still listed; just under it, a package-lock.json is read within the bound.
  const oversized = (format: string, bytes: number): string =>
    layout(Buffer.concat([alpineBody, member({ name: MANIFESTS[format]?.path ?? '' }, manifestOver(format, bytes)), END]));
  add('a 60 MB package-lock.json is refused with a warning', oversized('package-lock.json', 60e6), { exit: 0, packages: [musl], message: TOO_LARGE });
  for (const format of Object.keys(MANIFESTS).filter((f) => f !== 'package-lock.json')) {
    add(`a ${format} past the size limit is refused with a warning`, oversized(format, MAX_MANIFEST_SIZE + 1), {
      exit: 0,
      packages: [musl],
      message: TOO_LARGE,
    });
  }
  const nearLimit = manifestWithin('package-lock.json', MAX_MANIFEST_SIZE);
  add(
    `a package-lock.json of ${(nearLimit.length / 1e6).toFixed(1)} MB is read`,
    layout(Buffer.concat([alpineBody, member({ name: 'app/package-lock.json' }, nearLimit), END])),
    {
      exit: 0,
      packages: [musl],
      ofType: { type: 'npm', count: (nearLimit.match(/"node_modules\//g) ?? []).length },
    },
  );

  // Traversal, whiteouts, bombs, truncation, tampering.
  add(
    'paths that climb out of the root stay inside',
    layout(
      alpine,
      Buffer.concat([
        member({ name: '../../../lib/apk/db/installed' }, db),
        member({ name: 'esc', type: '2', linkname: '/../../..' }),
        member({ name: 'esc/etc/x' }, 'x'),
        END,
      ]),
    ),
    { exit: 0, packages: [musl] },
  );
  add('an opaque whiteout hides the apk database directory', layout(alpine, Buffer.concat([member({ name: 'lib/apk/db/.wh..wh..opq' }), END])), {
    exit: 0,
    ofType: { type: 'apk', count: 0 },
    message: /absent/,
  });
  const bomb = gzipSync(Buffer.concat([header({ name: 'zeros', size: 256 * 1024 * 1024 }), Buffer.alloc(256 * 1024 * 1024)]));
  cases.push({
    name: 'a decompression bomb',
    ref: `oci:${writeLayout([{ blob: bomb }])}`,
    args: ['--max-layer-size', '32MiB'],
    expect: { exit: 2, message: /decompression bomb/ },
  });
  const gz = gzipSync(alpine);
  add('a truncated layer', `oci:${writeLayout([{ blob: gz.subarray(0, gz.length >> 1), tar: alpine }])}`, { exit: 2, message: /truncated/ });
  const tampered = Buffer.from(gz);
  tampered[tampered.length >> 1] = (tampered[tampered.length >> 1] ?? 0) ^ 0xff;
  const tamperedLayout = writeLayout([{ blob: tampered, tar: alpine, digest: sha256(gz) }]);
  writeFileSync(join(tamperedLayout, 'blobs/sha256', sha256(gz).slice(7)), tampered);
  add('a layer blob changed after it was named', `oci:${tamperedLayout}`, { exit: 2, message: /digest mismatch|corrupt/ });
  const altered = Buffer.concat([alpineBody, member({ name: 'etc/added' }, 'x'), END]);
  add('a layer whose diff ID is not its uncompressed digest', `oci:${writeLayout([{ blob: gzipSync(altered), tar: alpine }])}`, {
    exit: 2,
    message: /does not match the config's diff ID/,
  });
  add('a config whose Env holds numbers', `oci:${writeLayout([{ blob: gz, tar: alpine }], { config: { config: { Env: [1, 2] } } })}`, {
    exit: 2,
    message: /config\.config\.Env\[0\] is a number/,
  });
  return cases;
}
