// -o FILE: devices and FIFOs are written in place (never replaced), symlinks followed, regular files
// replaced atomically with their mode and owner kept.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutput } from '../../src/cli/output.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'plimsoll-output-'));
const isRoot = process.getuid?.() === 0;

describe('-o FILE', () => {
  it('a character device like /dev/null stays a device (one made with mknod in a temp dir)', { skip: isRoot ? undefined : 'mknod needs root' }, async () => {
    const dir = temp();
    const devNull = join(dir, 'null');
    assert.equal(spawnSync('mknod', ['-m', '666', devNull, 'c', '1', '3']).status, 0);
    await writeOutput('report\n', devNull);
    assert.ok(lstatSync(devNull).isCharacterDevice(), 'still a character device');
    assert.deepEqual(readdirSync(dir), ['null'], 'no temp file left');
  });

  it('a FIFO is written in place: the reader gets the report', async () => {
    const dir = temp();
    const fifo = join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (c: Buffer) => (got += c.toString()));
    const done = new Promise((resolve) => reader.on('close', resolve));
    await writeOutput('through the pipe\n', fifo);
    await done;
    assert.equal(got, 'through the pipe\n');
    assert.ok(lstatSync(fifo).isFIFO());
  });

  it('a symlink is followed: the link stays, its target gets the report', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'link.json'));
    await writeOutput('new\n', join(dir, 'link.json'));
    assert.equal(readlinkSync(join(dir, 'link.json')), 'real.json');
    assert.equal(readFileSync(join(dir, 'real.json'), 'utf8'), 'new\n');
  });

  it('an existing 0600 file keeps its mode (and owner)', async () => {
    const dir = temp();
    const file = join(dir, 'secret.json');
    writeFileSync(file, 'old', { mode: 0o600 });
    const before = statSync(file);
    await writeOutput('new\n', file);
    const after = statSync(file);
    assert.equal(after.mode & 0o7777, 0o600);
    assert.equal(after.uid, before.uid);
    assert.notEqual(after.ino, before.ino, 'replaced through a rename, not rewritten in place');
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
  });

  it('a directory is refused with one line', async () => {
    await assert.rejects(writeOutput('x', temp()), /--output .*: is a directory/);
  });
});
