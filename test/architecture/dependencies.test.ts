// The layering of src/, as a test (issue 14): model/ is a leaf; the image and inventory stages know
// nothing of reports, policy or the CLI; the scan builds the report and report/ does not import the scan; and
// library code (everything src/index.ts reaches) never writes to stderr or the console: progress and
// warnings go through callbacks and results, and only the CLI prints them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Import {
  /** `src/`-relative path of the imported module. */
  target: string;
  /** `import type`: nothing is loaded at run time. */
  typeOnly: boolean;
  /** `import('...')`: loaded when that code runs, not with the importer. */
  dynamic: boolean;
}

/** Every project module a file imports (static, re-exported, type-only or dynamic). */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /(?:^|\n)\s*(import|export)(\s+type)?[^'";]*?\sfrom\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const m of text.matchAll(pattern)) {
    const specifier = m[3] ?? m[4];
    if (!specifier) continue;
    const target = relative(SRC, resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    found.push({ target, typeOnly: m[2] !== undefined, dynamic: m[4] !== undefined });
  }
  return found;
}

const files = sourceFiles(SRC).map((f) => relative(SRC, f));
const graph = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));
const under = (dir: string) => (path: string) => path.startsWith(`${dir}/`);

function violations(from: (f: string) => boolean, to: (t: string) => boolean): string[] {
  return [...graph].flatMap(([file, imports]) => (from(file) ? imports.filter((i) => to(i.target)).map((i) => `${file} → ${i.target}`) : []));
}

test('the import scan sees the project: every import names a file that exists', () => {
  assert.ok(files.length > 100);
  const missing = [...graph].flatMap(([file, imports]) => imports.filter((i) => !graph.has(i.target)).map((i) => `${file} → ${i.target}`));
  assert.deepEqual(missing, []);
  assert.ok(
    graph.get('cli.ts')?.some((i) => i.target === 'cli/commands/image.ts'),
    'cli.ts imports the image command',
  );
});

test('model/ imports nothing from the rest of the project', () => {
  assert.deepEqual(
    violations(under('model'), (t) => !under('model')(t)),
    [],
  );
});

test('image/ and inventory/ import nothing from report/, policy/ or cli/', () => {
  const stage = (f: string) => under('image')(f) || under('inventory')(f);
  assert.deepEqual(
    violations(stage, (t) => ['report', 'policy', 'cli'].some((dir) => under(dir)(t))),
    [],
  );
});

test('scan.ts and report/report.ts do not import each other: the scan builds the report, report/ knows nothing of the scan', () => {
  assert.ok(
    graph.get('scan.ts')?.some((i) => i.target === 'report/report.ts'),
    'scan.ts builds the report',
  );
  assert.deepEqual(
    violations(under('report'), (t) => t === 'scan.ts'),
    [],
  );
});

test('library code (what src/index.ts reaches) writes nothing to stderr or the console', () => {
  const reached = new Set<string>();
  const visit = (file: string): void => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const i of graph.get(file) ?? []) if (!i.typeOnly) visit(i.target);
  };
  visit('index.ts');
  assert.ok(reached.size > 50 && !reached.has('cli.ts'));
  const writers = [...reached].filter((f) => /process\.stderr|console\.(log|error|warn|info|debug)/.test(readFileSync(join(SRC, f), 'utf8'))).sort();
  assert.deepEqual(writers, []);
});

test("the CLI's start-up loads the command definitions only: each action imports its implementation when it runs", () => {
  const loaded = new Set<string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const i of graph.get(file) ?? []) if (!i.typeOnly && !i.dynamic) visit(i.target);
  };
  visit('cli.ts');
  assert.ok(loaded.has('cli/commands/image.ts') && !loaded.has('cli/actions/image.ts'));
  const heavy = [...loaded]
    .filter(
      (f) =>
        !/^(cli\.ts|cli\/(commands\/|env|format|image-options|deadline)|report\/(registry|reporter)\.ts|server\/setting-specs\.ts|model\/|errors\.ts|net\/idle-timeout\.ts)/.test(
          f,
        ),
    )
    .sort();
  assert.deepEqual(heavy, []);
});
