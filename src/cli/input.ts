// Which image a command reads: a reference (REF), or Trivy's `--input FILE`, an archive whose type
// is told by what it holds: `manifest.json` is what `docker save` writes (newer Dockers add an OCI
// layout beside it, which the docker-archive reader also understands), `oci-layout` alone an OCI
// archive. A bare path to an existing file is read the same way; a bare path to nothing says how to
// name an archive, since the registry parser would only call it an invalid reference.
import { statSync, type Stats } from 'node:fs';
import { InputError, PlimsollError } from '../errors.js';
import { ArchiveIndex } from '../image/archive-index.js';

/** `docker-archive:FILE` or `oci-archive:FILE`, from the archive's members. */
export async function archiveReference(file: string, flag = '--input'): Promise<string> {
  const index = await ArchiveIndex.open(file, `${flag} ${file}`);
  if (index.find('manifest.json')) return `docker-archive:${file}`;
  if (index.find('oci-layout') && index.find('index.json')) return `oci-archive:${file}`;
  throw new InputError(`${flag} ${file}: neither a docker save archive (manifest.json) nor an OCI archive (oci-layout, index.json)`);
}

const TRANSPORT = /^(oci|oci-archive|docker-archive|dir|docker):/;
const PATH_LIKE = /^(\.{0,2}\/|~)|\.(tar|tar\.gz|tgz)$/;

/** The reference to open, from the REF argument or `--input`. */
export async function imageReference(ref: string | undefined, input: string | undefined): Promise<string> {
  if (ref !== undefined && input !== undefined) throw new PlimsollError(`give either an image reference or --input, not both ("${ref}" and --input ${input})`);
  if (input !== undefined) return archiveReference(input);
  if (ref === undefined) throw new PlimsollError('no image: give a reference (oci:DIR, docker-archive:FILE, REPO:TAG...) or --input FILE');
  if (TRANSPORT.test(ref)) return ref;
  let stats: Stats | undefined;
  try {
    stats = statSync(ref, { throwIfNoEntry: false });
  } catch {
    // Unreadable: left to the reference parser, which names it.
  }
  if (stats?.isFile()) return archiveReference(ref, 'image');
  if (stats?.isDirectory()) throw new InputError(`${ref}: a directory; name an OCI layout oci:${ref}, a root filesystem dir:${ref}`);
  if (PATH_LIKE.test(ref)) {
    throw new InputError(
      `${ref}: no such file; an image archive is named docker-archive:PATH or oci-archive:PATH (or --input PATH), a layout directory oci:DIR, a root filesystem dir:DIR`,
    );
  }
  return ref;
}
