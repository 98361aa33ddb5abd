// Suppression comments, rule selection, malformed input and file reading (hand-written Dockerfiles).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { DOCKERFILE_RULES, lintDockerfile, lintDockerfileFile } from '../../src/dockerfile/index.js';

const APT = 'RUN apt-get install -y curl';

function found(text: string, only?: string[]): string[] {
  return lintDockerfile(text, only ? { only } : {}).map((f) => `${f.id}@${f.line}`);
}

describe('inline suppression', () => {
  it('a comment on the line before an instruction suppresses the listed rules for it only', () => {
    const text = `FROM debian:12\n# plimsoll ignore=PLD005\n${APT}\n${APT}\n`;
    assert.deepEqual(found(text, ['PLD005', 'PLD009']), ['PLD009@3', 'PLD005@4', 'PLD009@4']);
  });

  it('takes several ids, any case and spacing, and every comment of the block directly above', () => {
    const text = `FROM debian:12\n# plimsoll ignore=pld005 , PLD009\n# why: base image sets it\n${APT}\n`;
    assert.deepEqual(found(text, ['PLD005', 'PLD009']), []);
  });

  it('a blank line between comment and instruction breaks the link', () => {
    const text = `FROM debian:12\n# plimsoll ignore=PLD005\n\n${APT}\n`;
    assert.deepEqual(found(text, ['PLD005']), ['PLD005@4']);
  });

  it('findings reported on the FROM line (no USER, no HEALTHCHECK) are suppressed above that FROM', () => {
    const text = 'FROM golang:1.22 AS build\n# plimsoll ignore=PLD003,PLD016\nFROM scratch\n';
    assert.deepEqual(found(text, ['PLD003', 'PLD016']), []);
  });

  it('`# plimsoll global ignore=` anywhere in the file suppresses the rules everywhere', () => {
    const text = `FROM debian:12\n${APT}\n${APT}\n# plimsoll global ignore=PLD009\n`;
    assert.deepEqual(found(text, ['PLD005', 'PLD009']), ['PLD005@2', 'PLD005@3']);
  });

  it('a comment inside a continued RUN is not a suppression for the next instruction', () => {
    const text = 'FROM debian:12\nRUN true \\\n# plimsoll ignore=PLD005\n  && true\nRUN apt-get install -y curl\n';
    assert.deepEqual(found(text, ['PLD005']), ['PLD005@5']);
  });
});

describe('rule selection', () => {
  const text = `FROM debian\n${APT}\n`;

  it('only runs just the listed rules; skip drops rules', () => {
    assert.deepEqual(new Set(lintDockerfile(text, { only: ['PLD001', 'pld005'] }).map((f) => f.id)), new Set(['PLD001', 'PLD005']));
    const all = new Set(lintDockerfile(text).map((f) => f.id));
    const skipped = new Set(lintDockerfile(text, { skip: ['PLD001'] }).map((f) => f.id));
    assert.ok(all.has('PLD001'));
    assert.deepEqual(skipped, new Set([...all].filter((id) => id !== 'PLD001')));
  });

  it('an unknown id is a one-line InputError naming it', () => {
    assert.throws(
      () => lintDockerfile(text, { only: ['PLD999'] }),
      (e: unknown) => e instanceof InputError && /PLD999/.test(e.message) && !e.message.includes('\n'),
    );
    assert.throws(() => lintDockerfile(text, { skip: ['DL3008'] }), InputError);
  });

  it('findings carry kind, path, line, severity and the rule fix', () => {
    const [f] = lintDockerfile(text, { only: ['PLD001'], path: 'app/Dockerfile' });
    const rule = DOCKERFILE_RULES.find((r) => r.id === 'PLD001');
    assert.deepEqual(f, {
      id: 'PLD001',
      kind: 'dockerfile',
      severity: rule?.severity,
      title: `${rule?.title}: debian has no tag (means latest)`,
      path: 'app/Dockerfile',
      line: 1,
      remediation: rule?.fix,
    });
  });
});

describe('secrets in findings', () => {
  it('a secret found in ENV is named, never printed', () => {
    const secret = `ghp_${randomBytes(18).toString('hex')}`;
    const findings = lintDockerfile(`FROM debian:12\nENV DEPLOY=${secret} API_TOKEN=${secret}\n`, { only: ['PLD020'] });
    assert.equal(findings.length, 2);
    for (const f of findings) assert.ok(!JSON.stringify(f).includes(secret.slice(4, 12)), f.title);
  });

  it('the hardening secret rules find credentials in ENV and ARG values, with masked evidence', () => {
    // Fake values generated per run, in the shapes the hardening rules know.
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    const body = randomBytes(48).toString('base64');
    const pem = `-----BEGIN RSA PRIVATE KEY-----\\n${body}\\n-----END RSA PRIVATE KEY-----`;
    const findings = lintDockerfile(`FROM debian:12\nENV DEPLOY=${token}\nARG SIGNER="${pem}"\n`, { only: ['PLD020'] });
    assert.deepEqual(
      findings.map((f) => [f.line, f.title]),
      [
        [2, 'Secret in ENV or ARG: DEPLOY: value looks like a credential (GitHub token)'],
        [3, 'Secret in ENV or ARG: SIGNER: value looks like a credential (Private key)'],
      ],
    );
    assert.match(findings[0]?.evidence ?? '', /^DEPLOY=ghp_\w{2}\*+/);
    for (const f of findings) {
      assert.ok(!JSON.stringify(f).includes(token.slice(4, 12)) && !JSON.stringify(f).includes(body.slice(0, 12)), f.title);
    }
  });
});

describe('malformed Dockerfiles give findings, never a crash', () => {
  it('an empty file: no FROM', () => {
    assert.deepEqual(found(''), ['PLD043@1']);
  });

  it('garbage text: unknown instructions and no FROM', () => {
    const ids = new Set(lintDockerfile('hello world\n}}} {{{\n\tfoo=bar\n').map((f) => f.id));
    assert.deepEqual(ids, new Set(['PLD042', 'PLD043']));
  });

  it('broken shell and JSON in instructions', () => {
    const text =
      'FROM debian:12\nRUN echo "unterminated $(curl x | sh\nRUN <<EOF\napt-get update\nCMD ["a", \nENTRYPOINT [\nCOPY\nADD\nEXPOSE\nUSER\nWORKDIR\nENV\nFROM\n';
    assert.ok(Array.isArray(lintDockerfile(text)));
  });

  it('a byte-order mark and CRLF line ends read like a plain file', () => {
    const text = '\uFEFFFROM debian:12\r\n# plimsoll ignore=PLD009\r\nRUN apt-get install -y \\\r\n  curl\r\nRUN apt-get install -y git\r\n';
    assert.deepEqual(found(text, ['PLD005', 'PLD009', 'PLD042']), ['PLD005@3', 'PLD005@5', 'PLD009@5']);
  });

  it('random bytes as text', () => {
    for (let i = 0; i < 50; i++)
      assert.ok(Array.isArray(lintDockerfile(`FROM x\nRUN ${randomBytes(200).toString('latin1')}\n${randomBytes(200).toString('utf8')}`)));
  });
});

describe('lintDockerfileFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-dockerfile-'));

  it('reads a file and reports its path on each finding', async () => {
    const path = join(dir, 'Dockerfile');
    writeFileSync(path, `FROM debian:latest\n${APT}\n`);
    const { findings } = await lintDockerfileFile(path, { only: ['PLD001', 'PLD005'] });
    assert.deepEqual(
      findings.map((f) => [f.id, f.path, f.line]),
      [
        ['PLD001', path, 1],
        ['PLD005', path, 2],
      ],
    );
  });

  it('a missing file, a directory and a binary file are one-line InputErrors naming the path', async () => {
    const binary = join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    for (const path of [join(dir, 'missing'), dir, binary]) {
      await assert.rejects(lintDockerfileFile(path), (e: unknown) => e instanceof InputError && e.message.startsWith(path) && !e.message.includes('\n'));
    }
  });
});
