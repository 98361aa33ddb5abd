// Development-only packages: reachable from the app's devDependencies and not from anything it ships.

/** Marks the keys reachable from `devRoots` but not from `prodRoots` over `edges` (key → dependency keys). */
export function devOnlyKeys(edges: ReadonlyMap<string, readonly string[]>, prodRoots: Iterable<string>, devRoots: Iterable<string>): Set<string> {
  const prod = reachable(edges, prodRoots);
  const dev = reachable(edges, devRoots);
  for (const key of prod) dev.delete(key);
  return dev;
}

function reachable(edges: ReadonlyMap<string, readonly string[]>, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const key = stack.pop() as string;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const next of edges.get(key) ?? []) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}

/** Names of a manifest's dependency map (`dependencies`, `devDependencies`...) with their ranges. */
export function dependencyEntries(manifest: Record<string, unknown> | undefined, field: string): [string, string][] {
  const deps = manifest?.[field];
  if (typeof deps !== 'object' || deps === null || Array.isArray(deps)) return [];
  return Object.entries(deps as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** What an app ships: dependencies, optionalDependencies and peerDependencies (npm installs peers). */
export const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;
