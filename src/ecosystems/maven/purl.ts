import { formatPurl } from '../../model/purl.js';

/** `pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.14.0`: groupId as namespace (case kept; the maven type requires one). */
export function mavenPurl(groupId: string | undefined, artifactId: string, version: string): string {
  return formatPurl({ type: 'maven', ...(groupId ? { namespace: groupId } : {}), name: artifactId, version });
}
