// Rust binaries compiled here by rustc with a `.dep-v0` section placed as `cargo auditable` places it.
// cargo auditable itself cannot be installed offline, so the section's JSON is hand-written (and
// zlib-compressed here), in the documented rust-audit-info format; the ELF around it is rustc's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { openImage } from '../../../src/image/open.js';
import { rustAuditableAnalyzer } from '../../../src/ecosystems/cargo/rust-auditable.js';
import { inventoryImage, type InventoryResult } from '../../../src/inventory/run.js';
import { hasTool } from '../common/binary/tools.js';

const RUSTC = hasTool('rustc', ['--version']);

const HAND_WRITTEN_AUDIT_JSON = {
  packages: [
    { name: 'hello', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
    { name: 'adler', version: '1.0.2', source: 'crates.io' },
    { name: 'cc', version: '1.0.79', source: 'crates.io', kind: 'build' },
  ],
};

const MAIN_RS = `#[used]
#[link_section = ".dep-v0"]
static AUDITABLE_VERSION_INFO: [u8; include_bytes!("dep.z").len()] = *include_bytes!("dep.z");

fn main() {
    // Touch the section so the linker keeps it (cargo auditable passes a linker flag instead).
    let first = unsafe { std::ptr::read_volatile(&AUDITABLE_VERSION_INFO[0]) };
    println!("{}", first);
}
`;

describe('cargo auditable binaries (rustc-built, hand-written .dep-v0 JSON)', { skip: RUSTC ? undefined : 'rustc is not installed (apt rustc)' }, () => {
  let work: string;
  let result: InventoryResult;

  /** Compiles MAIN_RS with `payload` as the section into rootfs/usr/local/bin/<name>. */
  function build(name: string, payload: Buffer): void {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'dep.z'), payload);
    writeFileSync(join(dir, 'main.rs'), MAIN_RS);
    execFileSync('rustc', ['-O', '-o', join(work, 'rootfs/usr/local/bin', name), 'main.rs'], { cwd: dir, stdio: 'ignore' });
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-rust-'));
    mkdirSync(join(work, 'rootfs/usr/local/bin'), { recursive: true });
    build('hello', deflateSync(JSON.stringify(HAND_WRITTEN_AUDIT_JSON)));
    // 32 MiB of zeros compress to a few KiB: a decompression bomb in the section.
    build('bomb', deflateSync(Buffer.alloc(32 * 1024 * 1024)));
    const whole = readFileSync(join(work, 'rootfs/usr/local/bin/hello'));
    writeFileSync(join(work, 'rootfs/usr/local/bin/truncated'), whole.subarray(0, whole.length - 4096));
    chmodSync(join(work, 'rootfs/usr/local/bin/truncated'), 0o755);
    result = await inventoryImage(await openImage(`dir:${join(work, 'rootfs')}`), { analyzers: [rustAuditableAnalyzer] });
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('reports every crate of the section, with source and kind', () => {
    const hello = result.packages.filter((p) => p.locations[0]?.path === 'usr/local/bin/hello');
    assert.deepEqual(
      hello.map((p) => `${p.name}@${p.version} ${p.purl} ${p.metadata?.source} ${p.metadata?.kind}`),
      [
        'hello@0.1.0 pkg:cargo/hello@0.1.0 local runtime',
        'adler@1.0.2 pkg:cargo/adler@1.0.2 crates.io runtime',
        'cc@1.0.79 pkg:cargo/cc@1.0.79 crates.io build',
      ],
    );
    assert.equal(hello[0]?.metadata?.root, true);
  });

  it('warns, naming the file, about a section that inflates past the limit and about a truncated binary', () => {
    assert.equal(result.packages.filter((p) => p.locations[0]?.path !== 'usr/local/bin/hello').length, 0);
    const messages = Object.fromEntries(result.warnings.map((w) => [w.path, w.message]));
    assert.match(messages['usr/local/bin/bomb'] ?? '', /does not inflate/);
    assert.match(messages['usr/local/bin/truncated'] ?? '', /truncated|past the end/);
    assert.equal(result.warnings.length, 2);
  });
});
