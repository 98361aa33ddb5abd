// Conda environments: each installed package leaves a record in the environment's `conda-meta/`
// directory, `<name>-<version>-<build>.json`, holding its repodata entry (name, version, build,
// channel, subdir, license, file name) and the list of files it installed.
import type { CapturedFile, FileInfo } from '../../image/files.js';
import type { Analyzer, AnalyzerContext, AnalyzerResult } from '../../inventory/analyzer.js';
import type { Package } from '../../model/package.js';
import type { ScanWarning } from '../../model/warning.js';
import { langPackage } from '../common/package.js';
import { isObject, parseJsonFile, str, type JsonObject } from '../common/parse.js';
import { perFile } from '../common/per-file.js';
import { condaPurl } from './purl.js';

/** Records list every file of their package, so a large package's record runs to megabytes. */
const MAX_RECORD_SIZE = 32 * 1024 * 1024;

/** The fields the inventory reads; the rest (files, paths_data, depends...) is dropped when the layer is read. */
const KEPT = ['name', 'version', 'build', 'channel', 'subdir', 'license', 'fn'];

export function isCondaRecord(path: string): boolean {
  const slash = path.lastIndexOf('/');
  return path.endsWith('.json') && (path.slice(0, slash).endsWith('/conda-meta') || path.slice(0, slash) === 'conda-meta');
}

/** Keeps only the fields read below, so an environment's records are not all held whole until analysis. */
function reduceRecord(_info: FileInfo, body: Buffer): Buffer {
  try {
    const doc: unknown = JSON.parse(body.toString('utf8'));
    if (isObject(doc)) return Buffer.from(JSON.stringify(Object.fromEntries(KEPT.filter((key) => key in doc).map((key) => [key, doc[key]]))));
  } catch {
    // Left whole: the analyzer reports it as malformed, naming the file.
  }
  return body;
}

/** One record's package, or the reason it has none. */
export function condaPackage(record: JsonObject, file: Pick<CapturedFile, 'path' | 'layer'>): Package | string {
  const name = str(record.name);
  const version = str(record.version);
  if (!name || !version) return 'a conda-meta record without "name" and "version"';
  const build = str(record.build);
  const channel = str(record.channel);
  const subdir = str(record.subdir);
  const license = str(record.license);
  return langPackage({
    type: 'conda',
    name,
    version,
    purl: condaPurl({ name, version, build, channel, subdir, fileName: str(record.fn) }),
    file,
    ...(license ? { licenses: [license] } : {}),
    metadata: { ...(build ? { build } : {}), ...(channel ? { channel } : {}), ...(subdir ? { subdir } : {}) },
  });
}

function analyze(ctx: AnalyzerContext): AnalyzerResult {
  const warnings: ScanWarning[] = [];
  const packages = ctx.fs
    .captured((f) => isCondaRecord(f.path))
    .flatMap((file) =>
      perFile(file, warnings, () => {
        const record = parseJsonFile(file, warnings);
        if (!record) return [];
        const found = condaPackage(record, file);
        if (typeof found === 'string') {
          warnings.push({ path: file.path, message: `${found}; skipped` });
          return [];
        }
        return [found];
      }),
    );
  return { packages, warnings };
}

export const condaMetaAnalyzer: Analyzer = {
  name: 'conda-meta',
  version: 1,
  maxFileSize: MAX_RECORD_SIZE,
  reduce: reduceRecord,
  wants: (info: FileInfo) => (info.type === 'file' || info.type === 'hardlink') && isCondaRecord(info.path),
  analyze: async (ctx) => analyze(ctx),
};
