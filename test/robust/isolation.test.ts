// A malformed file costs only that file: the analyzer's other files are still inventoried, and one
// warning names the file that was skipped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { npmAnalyzer } from '../../src/ecosystems/npm/npm.js';
import { analyzeFiles } from '../ecosystems/helpers.js';

/** A v1 package-lock.json whose `dependencies` nest `depth` levels deep. */
function deepLock(depth: number): string {
  return `{"lockfileVersion":1,"dependencies":${'{"a":{"version":"1.0.0","dependencies":'.repeat(depth)}{}${'}}'.repeat(depth)}}`;
}

describe('per-file error isolation', () => {
  it('a package-lock.json nested 100,000 levels deep loses only itself, not the installed npm packages beside it', { timeout: 30_000 }, async () => {
    const result = await analyzeFiles(npmAnalyzer, {
      'srv/api/package.json': '{"name":"api","version":"1.0.0","dependencies":{"left-pad":"^1.3.0"}}',
      'srv/api/node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}',
      'srv/deep/package-lock.json': deepLock(100_000),
      'srv/other/package-lock.json': '{"lockfileVersion":3,"packages":{"":{},"node_modules/ms":{"version":"2.1.3"}}}',
    });
    const names = result.packages.map((p) => `${p.name}@${p.version}`).sort();
    assert.deepEqual(names, ['left-pad@1.3.0', 'ms@2.1.3']);
    const aboutDeep = result.warnings.filter((w) => w.path === 'srv/deep/package-lock.json');
    assert.equal(aboutDeep.length, 1, JSON.stringify(result.warnings));
    assert.match(aboutDeep[0]?.message ?? '', /could not be read \(Maximum call stack size exceeded\); skipped/);
  });
});
