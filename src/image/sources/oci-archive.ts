import { ArchiveIndex } from '../archive-index.js';
import type { ResolvedImage, SourceOptions } from '../types.js';
import { resolveLayout } from './oci-layout.js';

/** An OCI layout inside a tar file, read in place: blobs stream from their offsets in the archive. */
export async function openOciArchive(path: string, tag: string | undefined, ref: string, options: SourceOptions): Promise<ResolvedImage> {
  const archive = await ArchiveIndex.open(path, ref);
  return resolveLayout(
    {
      async readFile(name, limit) {
        const member = archive.find(name);
        return member ? archive.read(member, limit, ref) : undefined;
      },
      async openFile(name, limit) {
        const member = archive.find(name);
        return member ? archive.stream(member, limit) : undefined;
      },
    },
    { ref, transport: 'oci-archive', tag, what: ref, options, close: async () => undefined },
  );
}
