import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dotnetAnalyzer } from '../../../src/ecosystems/nuget/dotnet.js';
import { analyzeFiles, FIXTURES } from '../helpers.js';

const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

describe('.NET (hand-written fixtures: no dotnet SDK runs on this machine)', () => {
  it('deps.json: the libraries of type package, projects left out', async () => {
    const { packages, warnings } = await analyzeFiles(dotnetAnalyzer, { 'app/WebApp.deps.json': read('handwritten-dotnet/WebApp.deps.json') });
    assert.deepEqual(warnings, []);
    assert.deepEqual(packages.map((p) => p.purl).sort(), ['pkg:nuget/Newtonsoft.Json@13.0.1', 'pkg:nuget/System.Text.Encodings.Web@4.7.1']);
  });

  it('a self-contained app: the runtime packs it bundles are packages under their NuGet ids', async () => {
    const { packages, warnings } = await analyzeFiles(dotnetAnalyzer, { 'app/WebApp.deps.json': read('handwritten-dotnet-selfcontained/WebApp.deps.json') });
    assert.deepEqual(warnings, []);
    assert.deepEqual(packages.map((p) => p.purl).sort(), [
      'pkg:nuget/Microsoft.AspNetCore.App.Runtime.linux-x64@8.0.2',
      'pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.2',
      'pkg:nuget/Newtonsoft.Json@13.0.1',
    ]);
  });

  it('packages.lock.json: every framework, each id@version once whatever its case, projects left out', async () => {
    const { packages } = await analyzeFiles(dotnetAnalyzer, { 'src/packages.lock.json': read('handwritten-dotnet/packages.lock.json') });
    assert.deepEqual(packages.map((p) => `${p.name}@${p.version}`).sort(), ['Newtonsoft.Json@13.0.1', 'Serilog@3.1.1', 'System.Text.Encodings.Web@4.7.1']);
  });

  it('malformed input: a warning naming the file', async () => {
    const bad: Record<string, string> = { 'a/x.deps.json': '{"libraries": ', 'b/y.deps.json': '{"targets": {}}', 'c/packages.lock.json': '{"version": 1}' };
    const { packages, warnings } = await analyzeFiles(dotnetAnalyzer, bad);
    assert.deepEqual(packages, []);
    assert.deepEqual(warnings.map((w) => w.path).sort(), Object.keys(bad).sort());
  });
});
