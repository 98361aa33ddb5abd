import { PlimsollError } from '../errors.js';
import { parseReference } from './reference.js';
import { openDockerArchive } from './sources/docker-archive.js';
import { openOciArchive } from './sources/oci-archive.js';
import { openOciLayout } from './sources/oci-layout.js';
import { openRootfs } from './sources/rootfs.js';
import type { ResolvedImage, SourceOptions } from './types.js';

/** Resolves any image reference of the DESIGN's table to an image. */
export async function openImage(refText: string, options: SourceOptions = {}): Promise<ResolvedImage> {
  const ref = parseReference(refText);
  switch (ref.transport) {
    case 'oci':
      return openOciLayout(ref.path, ref.tag, refText, options);
    case 'oci-archive':
      return openOciArchive(ref.path, ref.tag, refText, options);
    case 'docker-archive':
      return openDockerArchive(ref.path, ref.name, refText, options);
    case 'dir':
      return openRootfs(ref.path, refText);
    case 'docker':
      if (options.offline) throw new PlimsollError(`${refText}: a registry image needs the network, and --offline forbids it`);
      // Imported here: a local image needs no registry client, nor Node's http, https and tls modules.
      return (await import('./sources/registry.js')).openRegistryImage(ref, refText, options);
  }
}
