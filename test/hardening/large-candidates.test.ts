// Large secret candidates are read a window at a time (src/hardening/checks/secret-files.ts): a secret
// deep in a file, past a cut inside a very long line, or a PEM block across a cut is found once, on its line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeLayout } from '../helpers/make-image.js';
import { END, member } from '../adversarial/tar-variants.js';
import { base62 } from './fake-secrets.js';
import { scanHardening } from './pipeline.js';

describe('secrets in large candidate files', () => {
  it('are found once each, on their lines, wherever the windows are cut', async () => {
    const early = `ghp_${base62(36)}`;
    const late = `ghp_${base62(36)}`;
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const lines = [`GITHUB_TOKEN=${early}`];
    // Short lines up to just before the first 64 KiB cut, so the key straddles it.
    while (lines.join('\n').length < 64 * 1024 - 600) lines.push(`# filler line ${lines.length}`);
    const keyLine = lines.length + 1;
    lines.push(...key.trimEnd().split('\n'));
    // A line far longer than a window, with the late token past a cut inside it.
    lines.push(`${'#'.repeat(200 * 1024)} GH=${late} ${'#'.repeat(100)}`);
    const lateLine = lines.length;
    const body = `${lines.join('\n')}\n`;
    const tar = Buffer.concat([member({ name: 'srv/', type: '5' }), member({ name: 'srv/app.env' }, body), END]);
    const r = await scanHardening(`oci:${writeLayout([{ blob: tar }])}`);
    const secrets = r.findings.filter((f) => f.kind === 'secret');
    const at = (id: string): (number | undefined)[] => secrets.filter((f) => f.id === id).map((f) => f.line);
    // The first line is a .env assignment: the credential-file rule reports it before the provider's.
    assert.deepEqual(at('PLM-SECRET-DOTENV'), [1], JSON.stringify(secrets.map((f) => [f.id, f.line])));
    assert.deepEqual(at('PLM-SECRET-GITHUB-TOKEN'), [lateLine]);
    assert.deepEqual(at('PLM-SECRET-PRIVATE-KEY'), [keyLine]);
  });
});
