// Reads a Maven repository directory (`--source maven-repo:DIR`, e.g. Debian's /usr/share/maven-repo)
// into SHA-1 index rows: coordinates from each main artifact's path, checked against the `.pom`
// beside it. Debian's repository is mostly symlinks into /usr/share/java; they are followed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { repositoryPathArtifact } from '../../model/maven.js';
import { pomXmlCoordinates } from '../../model/pom.js';
import type { FeedItem } from '../types.js';

export interface MavenReadCounts {
  /** Artifacts left out: a dangling link, or a pom that names other coordinates than its path. */
  skipped: number;
}

async function sha1File(path: string): Promise<string> {
  const hash = createHash('sha1');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Yields one row per main artifact. A pom that relocates its coordinates (Debian's `debian`
 * versions, renamed groups) makes that path an alias, not an identity: the artifact is indexed under
 * the relocation's target, which has its own directory. Alias version directories (`debian`, `1.2.x`) are never read.
 */
export async function* readMavenRepository(root: string, counts: MavenReadCounts = { skipped: 0 }): AsyncGenerator<FeedItem> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) {
    const artifact = repositoryPathArtifact(relative(root, file));
    if (!artifact) continue;
    const target = await stat(file).catch(() => undefined);
    if (!target?.isFile()) {
      counts.skipped++;
      continue;
    }
    const pomText = await readFile(file.replace(/\.[a-z]+$/, '.pom'), 'utf8').catch(() => undefined);
    const pom = pomText === undefined ? undefined : pomXmlCoordinates(pomText);
    if (pom?.relocated) continue;
    if (pom && (pom.groupId !== artifact.groupId || pom.artifactId !== artifact.artifactId || pom.version !== artifact.version)) {
      counts.skipped++;
      continue;
    }
    yield { kind: 'maven-artifact', sha1: await sha1File(file), artifact };
  }
}
