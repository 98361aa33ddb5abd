// Conda package URLs: `pkg:conda/<name>@<version>` with the purl spec's conda qualifiers.
import { formatPurl } from '../../model/purl.js';

export interface CondaPurlFacts {
  name: string;
  version: string;
  build?: string;
  /** The channel as recorded: a URL (`https://conda.anaconda.org/conda-forge/`) or a name (`pkgs/main`). */
  channel?: string;
  subdir?: string;
  /** The package archive's file name, whose extension is the purl's `type` (`conda` or `tar.bz2`). */
  fileName?: string;
}

/** The channel's own name, its last path segment: `conda-forge`, or `main` for `pkgs/main`. */
function channelName(channel: string | undefined): string | undefined {
  return channel
    ?.split('/')
    .filter((s) => s !== '')
    .at(-1);
}

function archiveType(fileName: string | undefined): string | undefined {
  if (fileName?.endsWith('.conda')) return 'conda';
  if (fileName?.endsWith('.tar.bz2')) return 'tar.bz2';
  return undefined;
}

/** `pkg:conda/zlib@1.3.1?build=h4ab18f5_1&channel=conda-forge&subdir=linux-64&type=conda`. */
export function condaPurl(facts: CondaPurlFacts): string {
  return formatPurl({
    type: 'conda',
    name: facts.name,
    version: facts.version,
    qualifiers: { build: facts.build, channel: channelName(facts.channel), subdir: facts.subdir, type: archiveType(facts.fileName) },
  });
}
