// The linter over the real Dockerfiles in ../shared/dockerfiles (read in place, never copied): no crash,
// well-formed findings, and rules whose truth a plain text search can establish agree with it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED } from '../helpers/testbed.js';
import { DOCKERFILE_RULES, lintDockerfileFile } from '../../src/dockerfile/index.js';
import type { Finding } from '../../src/model/finding.js';

const CORPUS = join(SHARED, 'dockerfiles');
const skip = existsSync(CORPUS) ? undefined : `Dockerfile corpus not found at ${CORPUS} (set PLIMSOLL_SHARED)`;

describe('Dockerfile corpus', { skip }, () => {
  const files = skip
    ? []
    : readdirSync(CORPUS)
        .filter((f) => f.endsWith('Dockerfile'))
        .sort();
  const results = new Map<string, Finding[]>();

  it('lints every file without an error; each finding names its file and a line in it', async (t) => {
    assert.ok(files.length >= 100, `${files.length} files`);
    const ids = new Set(DOCKERFILE_RULES.map((r) => r.id));
    const started = performance.now();
    for (const name of files) {
      const path = join(CORPUS, name);
      const { findings } = await lintDockerfileFile(path);
      results.set(name, findings);
      const lines = readFileSync(path, 'utf8').split('\n').length;
      for (const f of findings) {
        assert.ok(ids.has(f.id), f.id);
        assert.equal(f.path, path);
        assert.ok(f.line !== undefined && f.line >= 1 && f.line <= lines, `${name}:${f.line}`);
      }
    }
    const counts = new Map<string, number>();
    for (const f of [...results.values()].flat()) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
    t.diagnostic(`${files.length} files, ${[...results.values()].flat().length} findings in ${Math.round(performance.now() - started)} ms`);
    t.diagnostic(
      [...counts]
        .sort()
        .map(([id, n]) => `${id} ${n}`)
        .join(', '),
    );
  });

  /** Files a rule reported, next to the files a text search says it should report. */
  function agree(id: string, expected: (text: string) => boolean): void {
    const flagged = files.filter((f) => results.get(f)?.some((x) => x.id === id));
    const truth = files.filter((f) => expected(readFileSync(join(CORPUS, f), 'utf8')));
    assert.deepEqual(flagged, truth);
  }

  it('PLD016 (no HEALTHCHECK) on exactly the files without one', () => {
    agree('PLD016', (text) => !/^\s*HEALTHCHECK\s/im.test(text));
  });

  it('PLD025 (curl | sh) on exactly the files that pipe a download into a shell', () => {
    agree('PLD025', (text) => /\b(curl|wget)\b[^\n|;&]*\|\s*(sudo\s+)?(ba)?sh\b/.test(text));
  });

  it('PLD029 (MAINTAINER) on exactly the files that use it', () => {
    agree('PLD029', (text) => /^\s*MAINTAINER\s/im.test(text));
  });

  it('PLD021 (shell-form CMD) on exactly the files with a CMD instruction not in JSON form', () => {
    // A CMD on a continued line belongs to HEALTHCHECK, not to the image.
    agree('PLD021', (text) => /(^|[^\\]\n)[ \t]*CMD[ \t]+[^[\s]/i.test(text));
  });
});
