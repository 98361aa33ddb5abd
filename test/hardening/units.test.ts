// Hand-written cases for the parts the image tests do not pin one by one: history lines in the forms
// docker's classic builder and BuildKit write, key names, masking, and the example-value filter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile } from '../../src/dockerfile/lint.js';
import { historyAsDockerfile, parseCreatedBy, type HistoryStep } from '../../src/hardening/history.js';
import { maskSecret } from '../../src/hardening/mask.js';
import { isExamplePath, isExampleValue } from '../../src/hardening/secrets/examples.js';
import { isFilePathValue, isPlaceholderValue, isSensitiveKey } from '../../src/hardening/secrets/keys.js';
import { scanText } from '../../src/hardening/secrets/index.js';
import { referenceTag } from '../../src/hardening/checks/latest-tag.js';
import { base62 } from './fake-secrets.js';

describe('history lines', () => {
  it('reads classic, BuildKit and non-Dockerfile lines', () => {
    assert.deepEqual(parseCreatedBy('/bin/sh -c #(nop)  CMD ["bash"]'), { instruction: 'CMD', args: '["bash"]', buildArgs: [] });
    assert.deepEqual(parseCreatedBy('/bin/sh -c apt-get update'), { instruction: 'RUN', args: 'apt-get update', buildArgs: [] });
    assert.deepEqual(parseCreatedBy('|2 A=1 B=two /bin/sh -c make'), {
      instruction: 'RUN',
      args: 'make',
      buildArgs: [
        ['A', '1'],
        ['B', 'two'],
      ],
    });
    assert.deepEqual(parseCreatedBy('RUN |1 TOKEN=x /bin/sh -c make # buildkit'), { instruction: 'RUN', args: 'make', buildArgs: [['TOKEN', 'x']] });
    assert.deepEqual(parseCreatedBy('COPY . /app # buildkit'), { instruction: 'COPY', args: '. /app', buildArgs: [] });
    assert.equal(parseCreatedBy('debootstrap --variant=minbase bookworm').instruction, '');
  });

  it('become one Dockerfile for the history rules, each finding traced back to its step', () => {
    const lines = [
      'debootstrap --variant=minbase bookworm',
      '/bin/sh -c #(nop)  EXPOSE 22/tcp',
      'EXPOSE map[2375/tcp:{} 8080/tcp:{}]',
      '/bin/sh -c apt-get update &&\n  curl -fsSL https://get.example.invalid | bash',
      'RUN |1 V=1 /bin/sh -c sudo make install # buildkit',
      'ADD https://downloads.example.invalid/tool /opt/tool # buildkit',
      'FROM debian:12',
    ];
    const steps: HistoryStep[] = lines.map((createdBy, index) => ({ index, createdBy, emptyLayer: false, ...parseCreatedBy(createdBy) }));
    const dockerfile = historyAsDockerfile(steps);
    const found = lintDockerfile(dockerfile.text, { history: true }).map((f) => `${f.id}@${dockerfile.stepAt(f.line ?? 0)?.index}`);
    // PLD043 (FROM first) and the other build-context rules do not run on history; a line that is no instruction is skipped.
    assert.deepEqual(found.sort(), ['PLD015@4', 'PLD025@3', 'PLD028@1', 'PLD028@2', 'PLD040@5']);
  });
});

describe('secret key names and values', () => {
  it('tells credentials from pointers and settings', () => {
    for (const k of ['DB_PASSWORD', 'dbPassword', 'API_KEY', 'GITHUB_TOKEN', 'client-secret', 'AWS_SECRET_ACCESS_KEY', 'AUTH_KEY', 'CLIENT_KEY'])
      assert.ok(isSensitiveKey(k), k);
    for (const k of ['PASSWORD_FILE', 'TOKEN_URL', 'PWD', 'GPG_KEY', 'KEY_ID', 'PATH', 'SECRET_NAME']) assert.ok(!isSensitiveKey(k), k);
    for (const v of ['', '${DB_PASSWORD}', '$TOKEN', 'true']) assert.ok(isPlaceholderValue(v), v);
    assert.ok(!isPlaceholderValue(base62(16)));
    for (const v of ['/run/secrets/db', '"/run/secrets/DB_PASSWORD"', '/home/app/.config/gcloud/application_default_credentials.json'])
      assert.ok(isFilePathValue(v), v);
  });

  it('keeps a base64 secret that happens to start with a slash (one in 32 do)', () => {
    // Fixed values, so the test does not depend on the random generator drawing a leading slash.
    for (const v of ['/K7MDENGbPxRfiCYz9q2Lw8eT4sVb1Xo3NaHj6Ru0', '/abcdefghij+klmnopqrstuvwxyz0123456789ABC']) {
      assert.ok(!isFilePathValue(v), v);
      assert.ok(!isPlaceholderValue(v), v);
    }
    const credentials = '[default]\naws_access_key_id = AKIAQ3EGRTZ5MNB7KLWX\naws_secret_access_key = /K7MDENGbPxRfiCYz9q2Lw8eT4sVb1Xo3NaHj6Ru0\n';
    assert.deepEqual(
      scanText(credentials, 'root/.aws/credentials').map((m) => m.rule.id),
      ['PLM-SECRET-AWS-CREDENTIALS', 'PLM-SECRET-AWS-ACCESS-KEY-ID'],
    );
  });

  it('masks all but a few characters', () => {
    const token = `ghp_${base62(36)}`;
    const masked = maskSecret(token);
    assert.ok(masked.startsWith('ghp_'));
    assert.ok(!masked.includes(token.slice(4, 12)));
    assert.equal(maskSecret('hunter2'), '*******');
  });

  it('recognises examples: documented keys, placeholders, low entropy, tests and docs', () => {
    assert.ok(isExampleValue('AKIAIOSFODNN7EXAMPLE'));
    assert.ok(isExampleValue('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'));
    assert.ok(isExampleValue('AKIAAAAAAAAAAAAAAAAA'));
    assert.ok(!isExampleValue(`ghp_${base62(36)}`));
    for (const p of ['app/test/key.pem', 'usr/share/doc/x/README', 'src/app.spec.js', 'app/README.md']) assert.ok(isExamplePath(p), p);
    assert.ok(!isExamplePath('app/config/prod.yml'));
    assert.deepEqual(scanText('key: AKIAIOSFODNN7EXAMPLE'), []);
  });

  it('reports an overlapping span once, for the earlier rule', () => {
    const matches = scanText(`//registry.npmjs.org/:_authToken=npm_${base62(36)}\n`, 'home/u/.npmrc');
    assert.deepEqual(
      matches.map((m) => m.rule.id),
      ['PLM-SECRET-NPMRC'],
    );
  });
});

describe('latest tag', () => {
  it('is explicit or implied by a registry reference without tag or digest', () => {
    assert.equal(referenceTag('alpine'), 'latest');
    assert.equal(referenceTag('docker://ghcr.io/a/b:latest'), 'latest');
    assert.equal(referenceTag(`ghcr.io/a/b@sha256:${'a'.repeat(64)}`), undefined);
    assert.equal(referenceTag('oci:/x/y:1.0'), '1.0');
    assert.equal(referenceTag('docker-archive:/x.tar:repo/name:latest'), 'latest');
  });
});
