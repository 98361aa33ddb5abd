// What scripts/fuzz-parsers.ts feeds to each parser: a generator near the real format, mixed with raw
// bytes or text, and the one error type the parser is documented to throw (none for the readers that
// turn bad input into warnings).
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { CONFIG_SHAPE, DOCKER_ARCHIVE_SHAPE, INDEX_SHAPE, MANIFEST_SHAPE, shapeProblem } from '../src/image/json-shape.js';
import { StreamSource, TarError, readTar } from '../src/image/tar.js';
import { ElfError, parseElf } from '../src/ecosystems/common/binary/elf.js';
import { wholeImage } from '../src/inventory/layer-view.js';
import { parseModInfo, readGoBuildInfo } from '../src/ecosystems/golang/go-buildinfo.js';
import { fileNameCoordinates, manifestCoordinates, manifestVendorHint, parseManifest, pomCoordinates } from '../src/ecosystems/maven/java-metadata.js';
import { isObject, parseYamlFile } from '../src/ecosystems/common/parse.js';
import { readPackageLock } from '../src/ecosystems/npm/package-lock.js';
import { readPnpmLock } from '../src/ecosystems/npm/pnpm-lock.js';
import { readYarnLock } from '../src/ecosystems/npm/yarn-lock.js';
import { parseApkInstalled } from '../src/ecosystems/apk/apk.js';
import { dpkgAnalyzer } from '../src/ecosystems/deb/dpkg.js';
import { RpmHeaderError, parseRpmHeader } from '../src/ecosystems/rpm/rpmdb/header.js';
import type { ScanWarning } from '../src/model/warning.js';
import { header as tarHeader } from '../test/adversarial/tar-variants.js';
import { FIXTURE_LAYER, fsFromFiles } from '../test/helpers/memory-fs.js';

export interface FuzzTarget {
  input: fc.Arbitrary<unknown>;
  run(input: unknown): unknown;
  /** The errors the parser may throw on bad input. */
  allowed(err: unknown): boolean;
}

const never = (): boolean => false;
const bytes = (max = 2048): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const text = (max = 400): fc.Arbitrary<string> => fc.string({ unit: 'binary', maxLength: max });
/** Lines built from a format's own vocabulary, so generated inputs reach past the first check. */
const linesOf = (line: fc.Arbitrary<string>, max = 30): fc.Arbitrary<string> => fc.array(line, { maxLength: max }).map((l) => l.join('\n'));
const word = fc.oneof(fc.constantFrom('', ' ', ':', '=', '\t', '@', '/', '-', '1.0', 'npm:', 'a', '@scope/a', '\\', '"', '#'), fc.string({ maxLength: 8 }));
const phrase = fc.array(word, { maxLength: 6 }).map((w) => w.join(''));

function tarBytes(): fc.Arbitrary<Buffer> {
  const member = fc
    .record({
      name: phrase,
      type: fc.constantFrom('0', '1', '2', '5', 'x', 'g', 'L', 'K', 'S', '\0', '7', 'Z'),
      size: fc.nat({ max: 2000 }),
      format: fc.constantFrom('ustar' as const, 'gnu' as const, 'v7' as const),
      linkname: phrase,
      badChecksum: fc.boolean(),
      body: fc.oneof(
        bytes(600),
        phrase.map((p) => Buffer.from(`${p.length + 9} path=${p}\n`)),
      ),
    })
    .map(({ body, ...h }) => Buffer.concat([tarHeader(h), body]));
  const structured = fc
    .tuple(fc.array(member, { maxLength: 6 }), fc.constantFrom(0, 512, 1024, 700))
    .map(([m, end]) => Buffer.concat([...m, Buffer.alloc(end)]));
  return fc.oneof(structured, bytes(4096));
}

async function readAllTar(input: unknown): Promise<void> {
  const source = new StreamSource(Readable.from([input as Buffer])[Symbol.asyncIterator]());
  await readTar(
    source,
    () => undefined,
    async (member) => {
      await member.body(1 << 20);
    },
  );
  await source.drain();
}

const json = fc.jsonValue({ maxDepth: 5 });
const descriptor = fc.record(
  {
    mediaType: fc.oneof(fc.string(), json),
    digest: fc.oneof(fc.string(), json),
    size: fc.oneof(fc.integer(), json),
    annotations: fc.oneof(fc.dictionary(fc.string(), fc.string()), json),
  },
  { requiredKeys: [] },
);
const ociDocument = fc.oneof(
  json,
  fc.record(
    { config: fc.oneof(descriptor, json), layers: fc.oneof(fc.array(descriptor), json), manifests: fc.oneof(fc.array(descriptor), json) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      config: fc.record({ Env: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer())), json), User: json, Labels: json }, { requiredKeys: [] }),
      history: json,
      rootfs: json,
    },
    { requiredKeys: [] },
  ),
);

const deb822 = linesOf(
  fc.oneof(
    fc.tuple(fc.constantFrom('Package', 'Status', 'Version', 'Architecture', 'Source', 'Description', 'X'), phrase).map(([k, v]) => `${k}: ${v}`),
    fc.constantFrom('Status: install ok installed', 'Status: hold ok installed', '', ' continued', '\t.'),
    phrase,
  ),
  60,
);
const apkLines = linesOf(
  fc.oneof(
    fc.tuple(fc.constantFrom('P', 'V', 'A', 'o', 'L', 'F', 'R', 'Z', 'T', 'U', 'm', 'c'), phrase).map(([k, v]) => `${k}:${v}`),
    fc.constant(''),
    phrase,
  ),
  60,
);

/** An rpm header blob: index entries over a data store, with tags and types near the real ones. */
function rpmHeader(): fc.Arbitrary<Buffer> {
  const entry = fc.record({
    tag: fc.oneof(fc.constantFrom(1000, 1001, 1002, 1003, 1011, 1014, 1022, 1027, 1030, 1044, 1116, 1117, 1118, 5096), fc.nat()),
    type: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.nat()),
    offset: fc.oneof(fc.nat({ max: 300 }), fc.integer()),
    count: fc.oneof(fc.nat({ max: 20 }), fc.integer()),
  });
  const structured = fc.tuple(fc.array(entry, { maxLength: 16 }), bytes(300), fc.option(fc.tuple(fc.nat(), fc.nat()))).map(([entries, data, lie]) => {
    const head = Buffer.alloc(8 + entries.length * 16);
    head.writeUInt32BE(lie ? lie[0] : entries.length, 0);
    head.writeUInt32BE(lie ? lie[1] : data.length, 4);
    entries.forEach((e, i) => {
      head.writeUInt32BE(e.tag >>> 0, 8 + i * 16);
      head.writeUInt32BE(e.type >>> 0, 12 + i * 16);
      head.writeInt32BE(e.offset | 0, 16 + i * 16);
      head.writeInt32BE(e.count | 0, 20 + i * 16);
    });
    return Buffer.concat([head, data]);
  });
  return fc.oneof(structured, bytes());
}

const nameVersion = fc.record(
  { version: fc.oneof(phrase, json), dev: fc.oneof(fc.boolean(), json), link: fc.oneof(fc.boolean(), json), name: fc.oneof(phrase, json) },
  { requiredKeys: [] },
);
const packageLock = fc.oneof(
  json,
  fc.record(
    {
      lockfileVersion: fc.oneof(fc.constantFrom(1, 2, 3), json),
      packages: fc.oneof(
        fc.dictionary(
          phrase.map((p) => `node_modules/${p}`),
          fc.oneof(nameVersion, json),
        ),
        json,
      ),
    },
    { requiredKeys: [] },
  ),
  fc
    .letrec<{ deps: unknown }>((tie) => ({
      deps: fc.dictionary(
        phrase,
        fc.record(
          { version: fc.oneof(phrase, json), dev: fc.boolean(), dependencies: fc.oneof({ depthSize: 'small' }, fc.constant(undefined), tie('deps')) },
          { requiredKeys: [] },
        ),
        { maxKeys: 4 },
      ),
    }))
    .deps.map((dependencies) => ({ lockfileVersion: 1, dependencies })),
);

const yarnLock = fc.oneof(
  text(),
  linesOf(
    fc.oneof(
      phrase.map((p) => `${p}@^1.0.0, ${p}@~1.0.0:`),
      phrase.map((p) => `"${p}@npm:1.0.0":`),
      phrase.map((p) => `  version "${p}"`),
      phrase.map((p) => `  resolution: "${p}@npm:1.0.0"`),
      fc.constantFrom('__metadata:', '  version: 6', '# yarn lockfile v1', '  dependencies:', '    a "^1"', ''),
      phrase,
    ),
  ),
);
const pnpmLock = fc.oneof(
  text(),
  linesOf(
    fc.oneof(
      fc.constantFrom(
        "lockfileVersion: '9.0'",
        'lockfileVersion: 5.4',
        'packages:',
        'snapshots:',
        'importers:',
        '  .:',
        '    dependencies:',
        '    dev: true',
        '&a x',
        '*a',
        '',
      ),
      phrase.map((p) => `  /${p}/1.0.0:`),
      phrase.map((p) => `  ${p}@1.0.0:`),
      phrase.map((p) => `    resolution: {integrity: ${p}}`),
      phrase,
    ),
  ),
);

const javaText = fc.oneof(
  text(),
  linesOf(
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            'groupId',
            'artifactId',
            'version',
            'Bundle-SymbolicName',
            'Bundle-Version',
            'Implementation-Title',
            'Implementation-Version',
            'Implementation-Vendor',
            'Specification-Version',
            'Name',
          ),
          phrase,
        )
        .map(([k, v]) => `${k}${Math.random() < 0.5 ? '=' : ': '}${v}`),
      phrase.map((p) => ` ${p}`),
      phrase,
    ),
  ),
);

const GO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/** A little-endian ELF64 whose only named section is `.go.buildinfo` holding `payload`. */
function goElf(payload: Buffer): Buffer {
  const names = Buffer.from('\0.shstrtab\0.go.buildinfo\0');
  const dataAt = 64;
  const namesAt = dataAt + payload.length;
  const shoff = namesAt + names.length;
  const elf = Buffer.alloc(shoff + 3 * 64);
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2;
  elf[5] = 1;
  elf[6] = 1;
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(1, 0x3e);
  payload.copy(elf, dataAt);
  names.copy(elf, namesAt);
  const section = (i: number, name: number, type: number, offset: number, size: number): void => {
    const at = shoff + i * 64;
    elf.writeUInt32LE(name, at);
    elf.writeUInt32LE(type, at + 4);
    elf.writeBigUInt64LE(BigInt(offset), at + 0x18);
    elf.writeBigUInt64LE(BigInt(size), at + 0x20);
  };
  section(1, 1, 3, namesAt, names.length);
  section(2, 11, 1, dataAt, payload.length);
  return elf;
}

const varint = (s: string): Buffer => {
  const b = Buffer.from(s);
  const out: number[] = [];
  let n = b.length;
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from(out), b]);
};
const modInfo = linesOf(
  fc.oneof(
    fc.tuple(fc.constantFrom('path', 'mod', 'dep', '=>', 'build'), phrase, phrase, phrase).map((f) => f.join('\t')),
    phrase,
  ),
);
const goBinary = fc.oneof(
  fc
    .tuple(fc.constantFrom('go1.22.1', 'devel x', 'x'), modInfo, fc.constantFrom(0, 2, 3), fc.constantFrom(4, 8, 0, 7), bytes(64))
    .map(([version, mod, flags, ptr, tail]) => {
      const head = Buffer.alloc(32);
      GO_MAGIC.copy(head);
      head[14] = ptr;
      head[15] = flags;
      tail.copy(head, 16, 0, Math.min(16, tail.length));
      return goElf(
        Buffer.concat([
          head,
          varint(version),
          varint(`0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6${mod}\n\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2`),
          tail,
        ]),
      );
    }),
  bytes().map((b) => goElf(Buffer.concat([GO_MAGIC, b]))),
  bytes(),
);

/** Every target, by the name `--only` takes. */
export function fuzzTargets(): Record<string, FuzzTarget> {
  const warnings: ScanWarning[] = [];
  const path = 'app/lock';
  return {
    tar: { input: tarBytes(), run: readAllTar, allowed: (err) => err instanceof TarError },
    'oci-json': {
      input: ociDocument,
      run: (doc) => [CONFIG_SHAPE, MANIFEST_SHAPE, INDEX_SHAPE, DOCKER_ARCHIVE_SHAPE].map((shape) => shapeProblem(doc, shape, 'doc')),
      allowed: never,
    },
    dpkg: {
      input: fc.oneof(deb822, text()),
      run: (status) => dpkgAnalyzer.analyze({ fs: wholeImage(fsFromFiles({ 'var/lib/dpkg/status': status as string })) }),
      allowed: never,
    },
    apk: { input: fc.oneof(apkLines, text()), run: (db) => parseApkInstalled(db as string), allowed: never },
    'rpm-header': { input: rpmHeader(), run: (blob) => parseRpmHeader(blob as Buffer), allowed: (err) => err instanceof RpmHeaderError },
    'package-lock': { input: packageLock, run: (lock) => (isObject(lock) ? readPackageLock(lock, path, warnings.splice(0)) : []), allowed: never },
    'yarn-lock': {
      input: fc.tuple(yarnLock, fc.option(fc.oneof(json, fc.record({ devDependencies: json, dependencies: json }, { requiredKeys: [] })))),
      run: (args) => {
        const [lock, app] = args as [string, unknown];
        return readYarnLock(lock, path, isObject(app) ? app : undefined, warnings.splice(0));
      },
      allowed: never,
    },
    'pnpm-lock': {
      input: pnpmLock,
      run: (lock) => {
        const body = Buffer.from(lock as string);
        const doc = parseYamlFile({ path, type: 'file', mode: 0o644, size: body.length, layer: FIXTURE_LAYER, body }, warnings.splice(0));
        return doc ? readPnpmLock(doc, path, warnings) : [];
      },
      allowed: never,
    },
    'java-metadata': {
      input: fc.tuple(javaText, phrase),
      run: (args) => {
        const [meta, fileName] = args as [string, string];
        const manifest = parseManifest(meta);
        return [pomCoordinates(meta), manifestCoordinates(manifest, fileName), manifestVendorHint(manifest), fileNameCoordinates(fileName)];
      },
      allowed: never,
    },
    'go-buildinfo': {
      input: fc.oneof(
        goBinary,
        modInfo.map((m) => ({ modInfo: m })),
      ),
      run: (input) => (Buffer.isBuffer(input) ? readGoBuildInfo(input, parseElf(input)) : parseModInfo('go1.22', (input as { modInfo: string }).modInfo)),
      allowed: (err) => err instanceof ElfError,
    },
  };
}
