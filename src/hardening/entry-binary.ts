// The program the image runs (ENTRYPOINT, else CMD), and whether it is a static binary that needs no distribution.
import type { ImageFilesystem } from '../image/files.js';
import type { ImageConfigFile } from '../image/types.js';
import { ElfError, parseElf } from '../ecosystems/common/binary/elf.js';
import type { Package } from '../model/package.js';

export interface EntryBinary {
  /** Image path of the program (after PATH lookup and symlinks). */
  path: string;
  /** ELF without an interpreter: runs on scratch. Undefined when the body was not read or is no ELF. */
  static?: boolean;
  /** Language the inventory recognised in it. */
  language?: 'go' | 'rust';
}

const PT_INTERP = 3;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);

/** The command word the container starts: the first of ENTRYPOINT, else of CMD (a shell running `-c` is no application). */
export function entryCommand(config: ImageConfigFile): string | undefined {
  const c = config.config ?? {};
  const argv = c.Entrypoint && c.Entrypoint.length > 0 ? c.Entrypoint : (c.Cmd ?? []);
  const first = argv[0];
  if (!first || SHELLS.has(first.split('/').pop() as string)) return undefined;
  return first;
}

/** Directories the runtime searches for a bare command name. */
export function searchPath(config: ImageConfigFile): string[] {
  const env = (config.config?.Env ?? []).find((e) => e.startsWith('PATH='));
  return (env ? env.slice(5) : DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
}

/** The image paths the entry command may live at (absolute: one; bare name: one per PATH directory). */
export function entryCandidates(config: ImageConfigFile): string[] {
  const command = entryCommand(config);
  if (!command) return [];
  if (command.startsWith('/')) return [command.slice(1)];
  if (command.includes('/')) return [`${(config.config?.WorkingDir ?? '/').replace(/^\/|\/$/g, '')}/${command}`.replace(/^\//, '')];
  return searchPath(config).map((dir) => `${dir.slice(1).replace(/\/$/, '')}/${command}`);
}

export function findEntryBinary(fs: ImageFilesystem, config: ImageConfigFile, packages: readonly Package[]): EntryBinary | undefined {
  for (const candidate of entryCandidates(config)) {
    const file = fs.resolve(candidate);
    if (!file || (file.type !== 'file' && file.type !== 'hardlink')) continue;
    const paths = new Set([candidate, file.path]);
    const owner = packages.find((p) => (p.type === 'golang' || p.type === 'cargo') && p.locations.some((l) => paths.has(l.path)));
    const body = fs.read(file.path)?.body;
    let isStatic: boolean | undefined;
    let language: EntryBinary['language'] = owner ? (owner.type === 'golang' ? 'go' : 'rust') : undefined;
    if (body) {
      try {
        const elf = parseElf(body);
        isStatic = !elf.segments.some((s) => s.type === PT_INTERP);
        // Go's linker always writes its build-info section, with or without the Go analyzer in the run.
        if (elf.sections.some((s) => s.name === '.go.buildinfo')) language = 'go';
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
      }
    }
    return { path: file.path, ...(isStatic !== undefined ? { static: isStatic } : {}), ...(language ? { language } : {}) };
  }
  return undefined;
}
