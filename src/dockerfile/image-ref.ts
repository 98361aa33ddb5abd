import type { ParsedDockerfile, Stage } from './parse.js';

export interface ImageRef {
  /** Repository with registry, without tag or digest. */
  name: string;
  tag: string | null;
  digest: string | null;
}

/** Substitutes `$VAR` / `${VAR}` / `${VAR:-default}` from the ARGs declared before the first FROM. */
export function expandGlobalArgs(dockerfile: ParsedDockerfile, text: string): string {
  const values = new Map<string, string>();
  for (const i of dockerfile.preamble) {
    if (i.keyword === 'ARG') for (const p of i.properties) if (p.value !== null) values.set(p.name, p.value);
  }
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced, fallback, bare) => {
    const value = values.get((braced ?? bare) as string);
    return value ?? (fallback as string | undefined) ?? whole;
  });
}

/** Splits `registry/repo:tag@digest`; the tag is only a `:` after the last `/` (a registry port is not a tag). */
export function parseImageRef(reference: string): ImageRef {
  const at = reference.indexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : null;
  const named = at >= 0 ? reference.slice(0, at) : reference;
  const colon = named.lastIndexOf(':');
  const tag = colon > named.lastIndexOf('/') ? named.slice(colon + 1) : null;
  return { name: tag === null ? named : named.slice(0, colon), tag, digest };
}

/** The base image reference of a stage that starts from an image (not from an earlier stage), ARGs expanded. */
export function stageImage(dockerfile: ParsedDockerfile, stage: Stage): string | null {
  return stage.parent || stage.image === '' ? null : expandGlobalArgs(dockerfile, stage.image);
}
