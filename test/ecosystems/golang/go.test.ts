// Go binaries built here with the real toolchain (module mode with vendored and replaced modules,
// -trimpath, stripped, GOPATH mode), checked against `go version -m`; plus a hand-built ELF in the
// pre-1.18 pointer format, which no Go on this machine writes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImage } from '../../../src/image/open.js';
import { ElfError, parseElf } from '../../../src/ecosystems/common/binary/elf.js';
import { goBinaryAnalyzer, goPackages, stdlibVersion } from '../../../src/ecosystems/golang/go-binary.js';
import { readGoBuildInfo } from '../../../src/ecosystems/golang/go-buildinfo.js';
import { goModAnalyzer, parseGoMod } from '../../../src/ecosystems/golang/go-mod.js';
import { inventoryImage } from '../../../src/inventory/run.js';
import type { Package } from '../../../src/model/package.js';
import { pointerFormatElf } from '../common/binary/hand-built-elf.js';
import { hasTool } from '../common/binary/tools.js';

const GO = hasTool('go', ['version']);

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** `go version -m`: the reference reading of a binary's build information. */
function goVersionM(binary: string): { goVersion: string; lines: string[][] } {
  const out = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' });
  const [first = '', ...rest] = out.split('\n');
  return { goVersion: first.slice(first.indexOf(': ') + 2).trim(), lines: rest.map((l) => l.trim().split('\t')).filter((f) => f[0]) };
}

/** What go version -m says should be reported: stdlib, each dep (or its module replacement). */
function expectedFromGo(binary: string): string[] {
  const { goVersion, lines } = goVersionM(binary);
  const expected = [`stdlib@${stdlibVersion(goVersion)}`];
  lines.forEach((fields, i) => {
    if (fields[0] !== 'dep') return;
    const next = lines[i + 1];
    // A local directory replacement is printed with version (devel): the required module stays.
    const moduleReplace = next?.[0] === '=>' && next[2] && next[2] !== '(devel)';
    expected.push(moduleReplace ? `${next[1]}@${next[2]}` : `${fields[1]}@${fields[2]}`);
  });
  return expected.sort();
}

const names = (packages: Package[], path: string): string[] =>
  packages
    .filter((p) => p.locations[0]?.path === path)
    .map((p) => `${p.name}@${p.version}`)
    .sort();

describe('Go binaries built with go', { skip: GO ? undefined : 'go (apt golang-go) is not installed' }, () => {
  let work: string;
  let rootfs: string;
  // Offline and HOME-independent: vendored modules only, a cache and GOPATH under the temp directory.
  const env = {
    ...process.env,
    GOPROXY: 'off',
    GOFLAGS: '-mod=vendor',
    CGO_ENABLED: '0',
    GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'plimsoll-go-cache'),
    GOPATH: join(tmpdir(), 'plimsoll-gopath'),
  };

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-go-'));
    rootfs = join(work, 'rootfs');
    const src = join(work, 'src');
    // A module with two vendored dependencies: one replaced by another module, one by a local directory.
    write(
      join(src, 'go.mod'),
      'module example.com/hello\n\ngo 1.19\n\nrequire (\n\texample.com/greet v1.2.3\n\texample.com/local v0.1.0 // indirect\n)\n\nreplace example.com/greet => example.com/fork v1.2.4\n\nreplace example.com/local => ./local\n',
    );
    write(
      join(src, 'vendor/modules.txt'),
      '# example.com/greet v1.2.3 => example.com/fork v1.2.4\n## explicit\nexample.com/greet\n# example.com/local v0.1.0 => ./local\n## explicit\nexample.com/local\n# example.com/greet => example.com/fork v1.2.4\n# example.com/local => ./local\n',
    );
    write(join(src, 'vendor/example.com/greet/greet.go'), 'package greet\n\nfunc Hello() string { return "hello" }\n');
    write(join(src, 'vendor/example.com/local/local.go'), 'package local\n\nfunc Name() string { return "local" }\n');
    write(join(src, 'local/go.mod'), 'module example.com/local\n\ngo 1.19\n');
    write(
      join(src, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/greet"\n\t"example.com/local"\n)\n\nfunc main() { fmt.Println(greet.Hello(), local.Name()) }\n',
    );
    mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
    mkdirSync(join(rootfs, 'src'), { recursive: true });
    execFileSync('go', ['build', '-trimpath', '-o', join(rootfs, 'usr/local/bin/hello'), '.'], { cwd: src, env });
    execFileSync('go', ['build', '-ldflags=-s -w', '-o', join(rootfs, 'usr/local/bin/hello-stripped'), '.'], { cwd: src, env });
    copyFileSync(join(src, 'go.mod'), join(rootfs, 'src/go.mod'));
    // GOPATH mode, as Debian builds its Go packages: no module information at all.
    const gopath = join(work, 'gopath');
    write(join(gopath, 'src/example.org/plain/main.go'), 'package main\n\nfunc main() { println("plain") }\n');
    execFileSync('go', ['build', '-o', join(rootfs, 'usr/bin/plain'), 'example.org/plain'], {
      cwd: join(gopath, 'src/example.org/plain'),
      env: { ...env, GO111MODULE: 'off', GOPATH: gopath, GOFLAGS: '' },
    });
    // A truncated copy: the ELF section table is cut off.
    const whole = readFileSync(join(rootfs, 'usr/local/bin/hello'));
    writeFileSync(join(rootfs, 'usr/local/bin/truncated'), whole.subarray(0, Math.floor(whole.length / 2)));
    chmodSync(join(rootfs, 'usr/local/bin/truncated'), 0o755);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('reports stdlib and every dependency as go version -m lists them, replacements applied', async () => {
    const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [goBinaryAnalyzer, goModAnalyzer] });
    for (const binary of ['usr/local/bin/hello', 'usr/local/bin/hello-stripped', 'usr/bin/plain']) {
      assert.deepEqual(names(result.packages, binary), expectedFromGo(join(rootfs, binary)), binary);
    }
    const greet = result.packages.find((p) => p.name === 'example.com/fork' && p.locations[0]?.path === 'usr/local/bin/hello');
    assert.equal(greet?.purl, 'pkg:golang/example.com/fork@v1.2.4');
    assert.equal(greet.metadata?.replaces, 'example.com/greet v1.2.3');
    const local = result.packages.find((p) => p.name === 'example.com/local' && p.locations[0]?.path === 'usr/local/bin/hello');
    assert.equal(local?.metadata?.replacedBy, './local');
    const std = result.packages.find((p) => p.name === 'stdlib' && p.locations[0]?.path === 'usr/local/bin/hello');
    assert.equal(std?.metadata?.['-trimpath'], 'true');
    assert.equal(std.metadata.mainModule, 'example.com/hello (devel)');
  });

  it('warns about a truncated binary, naming it, and reads the rest', async () => {
    const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [goBinaryAnalyzer] });
    const warning = result.warnings.find((w) => w.path === 'usr/local/bin/truncated');
    assert.match(warning?.message ?? '', /truncated|past the end/);
    assert.equal(names(result.packages, 'usr/local/bin/truncated').length, 0);
    assert.ok(names(result.packages, 'usr/local/bin/hello').length > 0);
  });

  it('cut anywhere, a binary gives ElfError or nothing, never another exception', () => {
    const whole = readFileSync(join(rootfs, 'usr/local/bin/hello'));
    const cuts = [...Array.from({ length: 128 }, (_, i) => i), ...Array.from({ length: 64 }, (_, i) => Math.floor((whole.length * i) / 64))];
    let elfErrors = 0;
    for (const cut of cuts) {
      const body = whole.subarray(0, cut);
      try {
        readGoBuildInfo(body, parseElf(body));
      } catch (err) {
        assert.ok(err instanceof ElfError, `cut at ${cut}: ${String(err)}`);
        elfErrors++;
      }
    }
    assert.ok(elfErrors > cuts.length / 2);
  });

  it('reads go.mod with replace directives as the go command writes them', async () => {
    const result = await inventoryImage(await openImage(`dir:${rootfs}`), { analyzers: [goModAnalyzer] });
    // `go mod edit -json` is the reference reading of the same file.
    const json = JSON.parse(execFileSync('go', ['mod', 'edit', '-json', join(rootfs, 'src/go.mod')], { encoding: 'utf8' })) as {
      Require: { Path: string; Version: string; Indirect?: boolean }[];
      Replace: { Old: { Path: string }; New: { Path: string; Version?: string } }[];
    };
    const expected = json.Require.map((r) => {
      const rep = json.Replace.find((x) => x.Old.Path === r.Path);
      return rep?.New.Version ? `${rep.New.Path}@${rep.New.Version}` : `${r.Path}@${r.Version}`;
    }).sort();
    assert.deepEqual(names(result.packages, 'src/go.mod'), expected);
    assert.equal(result.packages.find((p) => p.name === 'example.com/local')?.metadata?.indirect, true);
  });
});

describe('Go build information in the pointer format (Go 1.13–1.17; hand-built ELF)', () => {
  const mod = 'path\texample.com/old\nmod\texample.com/old\tv1.0.0\th1:abc=\ndep\tgolang.org/x/text\tv0.3.7\th1:def=\n';
  for (const [ptrSize, bigEndian] of [
    [8, false],
    [4, true],
  ] as const) {
    it(`reads ${ptrSize * 8}-bit ${bigEndian ? 'big' : 'little'}-endian pointers through the program headers`, () => {
      const body = pointerFormatElf({ ptrSize, bigEndian, goVersion: 'go1.16.15', modInfo: mod });
      const info = readGoBuildInfo(body, parseElf(body));
      assert.equal(info?.goVersion, 'go1.16.15');
      assert.equal(info.path, 'example.com/old');
      assert.deepEqual(info.main, { path: 'example.com/old', version: 'v1.0.0', sum: 'h1:abc=' });
      assert.deepEqual(info.deps, [{ path: 'golang.org/x/text', version: 'v0.3.7', sum: 'h1:def=' }]);
    });
  }

  it('finds the header in the writable data segment when there is no section table', () => {
    const body = pointerFormatElf({ ptrSize: 8, bigEndian: false, goVersion: 'go1.15.2', modInfo: mod, noSections: true });
    assert.equal(readGoBuildInfo(body, parseElf(body))?.goVersion, 'go1.15.2');
  });

  it('reports a main module that has a real version, besides stdlib and deps', () => {
    const body = pointerFormatElf({ ptrSize: 8, bigEndian: false, goVersion: 'go1.16.15', modInfo: mod });
    const info = readGoBuildInfo(body, parseElf(body));
    assert.ok(info);
    const file = { path: 'usr/bin/old', type: 'file' as const, mode: 0o755, size: body.length, layer: { index: 0, digest: '' }, body };
    const packages = goPackages(file, info);
    assert.deepEqual(
      packages.map((p) => `${p.purl} ${p.metadata?.main === true}`),
      ['pkg:golang/stdlib@v1.16.15 false', 'pkg:golang/example.com/old@v1.0.0 true', 'pkg:golang/golang.org/x/text@v0.3.7 false'],
    );
  });

  it('throws a readable error when a pointer leads outside the file', () => {
    const body = pointerFormatElf({ ptrSize: 8, bigEndian: false, goVersion: 'go1.16.15', modInfo: mod, danglingModPointer: true });
    assert.throws(() => readGoBuildInfo(body, parseElf(body)), /not mapped/);
  });
});

describe('Go analyzers: versions, predicate, go.mod syntax', () => {
  it('converts release, patch and pre-release names; devel has none', () => {
    assert.equal(stdlibVersion('go1.19.8'), 'v1.19.8');
    assert.equal(stdlibVersion('go1.20'), 'v1.20.0');
    assert.equal(stdlibVersion('go1.21rc2'), 'v1.21.0-rc.2');
    assert.equal(stdlibVersion('go1.22.1 X:boringcrypto'), 'v1.22.1');
    assert.equal(stdlibVersion('devel go1.23-abcdef'), undefined);
  });

  it('wants executable regular files of a binary size, wherever they are', () => {
    const info = (path: string, mode: number, size: number, type: 'file' | 'symlink' = 'file') => ({ path, type, mode, size });
    assert.ok(goBinaryAnalyzer.wants(info('usr/share/grafana/bin/grafana', 0o755, 80_000_000)));
    assert.ok(!goBinaryAnalyzer.wants(info('usr/bin/tool', 0o644, 2_000_000)), 'not executable');
    assert.ok(!goBinaryAnalyzer.wants(info('usr/bin/tiny', 0o755, 20_000)), 'too small for Go');
    assert.ok(!goBinaryAnalyzer.wants(info('usr/bin/link', 0o777, 2_000_000, 'symlink')));
    assert.ok(!goBinaryAnalyzer.wants(info('opt/run.sh', 0o755, 2_000_000)));
  });

  it('reports go.mod lines it cannot read', () => {
    const { mod, problems } = parseGoMod('module m\nrequire (\n\tonly.path\n');
    assert.equal(mod.module, 'm');
    assert.deepEqual(problems, ['line 3: require needs a module path and a version', 'unterminated require block']);
  });
});
