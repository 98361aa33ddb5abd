// The program the image runs (ENTRYPOINT, else CMD), and whether it is a static binary that needs no distribution.
import type { ImageFilesystem } from '../image/files.js';
import type { ImageConfigFile } from '../image/types.js';
import type { FileFact, ImageFacts } from '../inventory/facts.js';
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

/** What an entry binary's body tells: a static ELF (no interpreter), and Go's build-info section. */
export interface ElfTraits {
  static?: boolean;
  go?: true;
}

/** The traits of the program `config` runs, at each path its command may live at (undefined: no command to look for). */
export function entryBinaryFact(config: ImageConfigFile): FileFact<ElfTraits> | undefined {
  const candidates = new Set(entryCandidates(config));
  if (candidates.size === 0) return undefined;
  return {
    name: 'entry-binary',
    version: 1,
    wants: (info) => candidates.has(info.path),
    names: [...candidates],
    extract(file) {
      try {
        const elf = parseElf(file.body);
        // Go's linker always writes its build-info section, with or without the Go analyzer in the run.
        return { static: !elf.segments.some((s) => s.type === PT_INTERP), ...(elf.sections.some((s) => s.name === '.go.buildinfo') ? { go: true } : {}) };
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
        return {};
      }
    },
  };
}

/** `facts`: those of {@link entryBinaryFact} for `config`. */
export function findEntryBinary(fs: ImageFilesystem, facts: ImageFacts, config: ImageConfigFile, packages: readonly Package[]): EntryBinary | undefined {
  const fact = entryBinaryFact(config);
  for (const candidate of entryCandidates(config)) {
    const file = fs.resolve(candidate);
    if (!fact || !file || (file.type !== 'file' && file.type !== 'hardlink')) continue;
    const paths = new Set([candidate, file.path]);
    const owner = packages.find((p) => (p.type === 'golang' || p.type === 'cargo') && p.locations.some((l) => paths.has(l.path)));
    const traits = facts.of(fact, candidate);
    const language: EntryBinary['language'] = traits?.go ? 'go' : owner ? (owner.type === 'golang' ? 'go' : 'rust') : undefined;
    return { path: file.path, ...(traits?.static !== undefined ? { static: traits.static } : {}), ...(language ? { language } : {}) };
  }
  return undefined;
}
