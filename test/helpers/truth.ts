// Reads the testbed's truth TSV files (documented in ../shared/testbed/TRUTH.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTBED } from './testbed.js';

export type Row = Record<string, string>;

/** Rows of `truth/<dir>/<file>`, keyed by the header's column names. */
export function truthRows(dir: string, file: string): Row[] {
  const [header = '', ...lines] = readFileSync(join(TESTBED, 'truth', dir, file), 'utf8').split('\n');
  const columns = header.split('\t');
  return lines
    .filter((l) => l !== '')
    .map((line) => {
      const cells = line.split('\t');
      return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
    });
}

/** One testbed image (one platform of an index): its OCI layout, tag, platform and truth directory. */
export interface TestbedImage {
  name: string;
  layout: string;
  tag: string;
  arch: string;
  truthDir: string;
}

export const TESTBED_IMAGES: TestbedImage[] = [
  ['debian-bookworm', '12'],
  ['debian-app', '1.0'],
  ['distroless-style', '12'],
  ['alpine-3.10', '3.10.9'],
  ['alpine-3.12', '3.12.12'],
  ['alpine-3.20', '3.20.3'],
  ['alpine-3.20-zstd', '3.20.3'],
  ['alpine-multiarch', '3.20.3', 'amd64'],
  ['alpine-multiarch', '3.20.3', 'arm64'],
  ['scratch-go', '1.0'],
].map(([name = '', tag = '', arch]) => ({
  name: arch ? `${name} linux/${arch}` : name,
  layout: join(TESTBED, 'oci', name),
  tag,
  arch: arch ?? 'amd64',
  truthDir: arch ? `${name}/linux-${arch}` : name,
}));
