// What hardening needs from the single pass over the layers: the secret candidates' bodies (kept
// cheap: by name and path, text-sized), and the facts of the user database, the slim/Chainguard
// markers and the entry binary, which it reads from the merged view.
import type { FileInfo, FileRequest } from '../image/files.js';
import type { ImageConfigFile } from '../image/types.js';
import { factRequests, type FileFact } from '../inventory/facts.js';
import { apkRepositories, dpkgExcludesDocs } from './base-image.js';
import { entryBinaryFact } from './entry-binary.js';
import { passwdUsers } from './checks/root-user.js';

export const SECRET_MAX_SIZE = 1024 * 1024;
const SMALL = 64 * 1024;

/** Credential and key files by name, wherever they are. */
const CREDENTIAL_NAMES =
  /^(?:\.npmrc|\.pypirc|\.git-credentials|\.netrc|_netrc|\.env(?:\.[A-Za-z0-9_-]+)?|[^/]*\.env|credentials|config\.json|id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^/]*\.(?:pem|key|ppk|asc|gpg|p8|jwk|keystore))$/;
/** Text formats where hand-written secrets live (configuration and application code). */
const TEXT_EXTENSIONS =
  /\.(?:json|ya?ml|toml|ini|conf|cfg|config|properties|xml|env|sh|bash|zsh|ps1|py|rb|js|mjs|cjs|ts|php|go|java|kt|cs|tf|tfvars|hcl|sql|txt|npmrc|pypirc|netrc|htpasswd)$/i;
/** Trees that package managers own: third-party code and data, scanned by the vulnerability side instead. */
const PACKAGE_TREES = /^(?:usr\/(?:share|lib|lib64|libexec|include|src)|lib|lib64|var\/lib\/(?:dpkg|apt|rpm|apk)|lib\/apk|proc|sys|dev)\//;
const THIRD_PARTY_DIRS = /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor|\.cache|go\/pkg\/mod|\.git)\//;

/** A file whose body the secret scan reads; the same predicate picks the captured bodies back out. */
export function isSecretCandidate(info: FileInfo): boolean {
  if (info.type !== 'file' || info.size === 0 || info.size > SECRET_MAX_SIZE) return false;
  if (PACKAGE_TREES.test(info.path)) return false;
  const name = info.path.slice(info.path.lastIndexOf('/') + 1);
  if (CREDENTIAL_NAMES.test(name)) return info.size <= SMALL || !THIRD_PARTY_DIRS.test(info.path);
  if (THIRD_PARTY_DIRS.test(info.path)) return false;
  // Home directories hold dotfiles without extensions (.bash_history, .s3cfg...).
  return TEXT_EXTENSIONS.test(name) || /^(?:root|home\/[^/]+)\/\.[^/]+$/.test(info.path);
}

/** The secret candidates' bodies, read from every layer (a secret a later layer deletes is still shipped). */
export const secretsRequest: FileRequest = { name: 'hardening-secrets', wants: isSecretCandidate, maxFileSize: SECRET_MAX_SIZE };

/**
 * What hardening reads from the merged view: the user database, slim/Chainguard markers and, with the
 * image config, the program it runs (to tell a static binary from a dynamic one). Each is a fact, kept in
 * the layer cache's records, so a cached layer is not read for it.
 */
export function hardeningFacts(config?: ImageConfigFile): FileFact[] {
  const entry = config ? entryBinaryFact(config) : undefined;
  return [passwdUsers, apkRepositories, dpkgExcludesDocs, ...(entry ? [entry] : [])];
}

/** Everything `runHardening` needs read, to add to the inventory's requests in the same pass. */
export function hardeningRequests(config?: ImageConfigFile): FileRequest[] {
  return [secretsRequest, ...factRequests(hardeningFacts(config))];
}
