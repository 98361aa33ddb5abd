// go.mod: the modules a Go project requires, with `replace` directives applied. What a binary embeds
// is the truth of what ships; go.mod covers source trees copied into an image.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Package, ScanWarning } from '../../model/package.js';
import { goPackage } from './go-binary.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../analyzer.js';
import { MAX_MANIFEST_SIZE } from './common/parse.js';
import { perFile } from './common/per-file.js';

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModFile {
  module?: string;
  goVersion?: string;
  requires: GoModRequire[];
  /** `old[@version] => new version` (module) or `=> ./dir` (directory, version ''). */
  replaces: { oldPath: string; oldVersion?: string; newPath: string; newVersion: string }[];
}

/** A go.mod token: bare or a double- or back-quoted string. */
function unquote(token: string): string {
  if (token.startsWith('"') && token.endsWith('"')) {
    try {
      return JSON.parse(token) as string;
    } catch {
      return token.slice(1, -1); // a Go escape JSON lacks (\x41): module paths never need one
    }
  }
  if (token.startsWith('`') && token.endsWith('`')) return token.slice(1, -1);
  return token;
}

function tokens(line: string): string[] {
  return (line.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? []).map(unquote);
}

function directive(mod: GoModFile, verb: string, line: string, comment: string, lineNo: number): string | undefined {
  const args = tokens(line);
  if (verb === 'module' && args[0]) mod.module = args[0];
  else if (verb === 'go' && args[0]) mod.goVersion = args[0];
  else if (verb === 'require') {
    const [path, version] = args;
    if (!path || !version) return `line ${lineNo}: require needs a module path and a version`;
    mod.requires.push({ path, version, indirect: /\bindirect\b/.test(comment) });
  } else if (verb === 'replace') {
    const arrow = args.indexOf('=>');
    const [oldPath, oldVersion] = args.slice(0, arrow);
    const [newPath, newVersion = ''] = args.slice(arrow + 1);
    if (arrow < 1 || !oldPath || !newPath) return `line ${lineNo}: replace needs "old => new"`;
    mod.replaces.push({ oldPath, ...(oldVersion ? { oldVersion } : {}), newPath, newVersion });
  }
  return undefined;
}

/** Parses go.mod's line-oriented syntax, including `( ... )` blocks; bad lines come back as problems. */
export function parseGoMod(text: string): { mod: GoModFile; problems: string[] } {
  const mod: GoModFile = { requires: [], replaces: [] };
  const problems: string[] = [];
  let block: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const slashes = raw.indexOf('//');
    const line = (slashes >= 0 ? raw.slice(0, slashes) : raw).trim();
    const comment = slashes >= 0 ? raw.slice(slashes + 2) : '';
    if (line === '') return;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else {
        const problem = directive(mod, block, line, comment, i + 1);
        if (problem) problems.push(problem);
      }
      return;
    }
    const [verb = '', ...rest] = line.split(/\s+/);
    if (rest.join(' ') === '(') block = verb;
    else {
      const problem = directive(mod, verb, rest.join(' '), comment, i + 1);
      if (problem) problems.push(problem);
    }
  });
  if (block !== undefined) problems.push(`unterminated ${block} block`);
  return { mod, problems };
}

/** Module caches and vendor trees hold other modules' go.mod files, not a project's. */
function isProjectGoMod(path: string): boolean {
  return (path === 'go.mod' || path.endsWith('/go.mod')) && !path.includes('/pkg/mod/') && !path.includes('/vendor/');
}

function modulePackages(file: CapturedFile, mod: GoModFile): Package[] {
  return mod.requires.map((req) => {
    const replace = mod.replaces.find((r) => r.oldPath === req.path && (r.oldVersion === undefined || r.oldVersion === req.version));
    const moduleReplace = replace && replace.newVersion !== '';
    const name = moduleReplace ? replace.newPath : req.path;
    const version = moduleReplace ? replace.newVersion : req.version;
    const metadata: Record<string, string | boolean> = {
      ...(req.indirect ? { indirect: true } : {}),
      ...(mod.module ? { module: mod.module } : {}),
      ...(moduleReplace ? { replaces: `${req.path} ${req.version}` } : replace ? { replacedBy: replace.newPath } : {}),
    };
    return goPackage(file, name, version, metadata);
  });
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const packages: Package[] = [];
  const warnings: ScanWarning[] = [];
  // A go.mod an OS package installs (Debian's golang-*-dev sources) describes that package's build, not the image.
  for (const file of ctx.fs.captured((f) => isProjectGoMod(f.path))) {
    packages.push(
      ...perFile(file, warnings, () => {
        const { mod, problems } = parseGoMod(file.body.toString('utf8'));
        for (const problem of problems) warnings.push({ path: file.path, message: `go.mod: ${problem}` });
        return modulePackages(file, mod);
      }),
    );
  }
  return { packages, warnings };
}

export const goModAnalyzer: Analyzer = {
  name: 'go-mod',
  version: 1,
  wants: (info: FileInfo) => info.type === 'file' && isProjectGoMod(info.path),
  maxFileSize: MAX_MANIFEST_SIZE,
  analyze: async (ctx) => analyze(ctx),
};
