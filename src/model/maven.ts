// Maven coordinates, and how a Maven repository layout spells them in a path: shared by the
// database build (Debian's /usr/share/maven-repo, `--source maven-repo:`) and the inventory (an
// image's own /usr/share/maven-repo and ~/.m2/repository).

export interface MavenCoordinates {
  groupId?: string;
  artifactId: string;
  version: string;
}

/** Coordinates whose group is known: what a Maven purl and the SHA-1 index need. */
export type MavenArtifact = Required<MavenCoordinates>;

/** What an identification step can say of a jar, from most to least trusted. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * Debian's maven-repo-helper installs each jar under its real version and under alias versions
 * that are no release: `debian` (the "whatever version Debian ships" placeholder) and `1.2.x`-style
 * major wildcards. An alias never identifies a version; the real version directory beside it does.
 */
export function isAliasVersion(version: string): boolean {
  return version === 'debian' || /(?:^|\.)x$/.test(version);
}

/**
 * `org/apache/commons/commons-lang3/3.12.0/commons-lang3-3.12.0.jar` → org.apache.commons:commons-lang3:3.12.0
 * (the path relative to the repository root). Only the main artifact counts: a file named other
 * than `<artifactId>-<version>.<ext>` (a `-sources` jar, a classifier) or under an alias version is not one.
 */
export function repositoryPathArtifact(relativePath: string, extensions: RegExp = /\.(?:jar|war|ear|hpi|jpi)$/): MavenArtifact | undefined {
  const parts = relativePath.split('/');
  if (parts.length < 4) return undefined;
  const [artifactId = '', version = '', file = ''] = parts.slice(-3);
  const groupId = parts.slice(0, -3).join('.');
  const ext = extensions.exec(file)?.[0];
  if (!ext || file !== `${artifactId}-${version}${ext}` || isAliasVersion(version)) return undefined;
  return { groupId, artifactId, version };
}
