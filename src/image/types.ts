import type { Readable } from 'node:stream';
import type { Platform } from '../model/platform.js';
import type { Verification } from './verify.js';

/** The OCI image configuration (subset Plimsoll reads; unknown fields are kept). */
export interface ImageConfigFile {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object> | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number } | null;
    StopSignal?: string;
    Volumes?: Record<string, object> | null;
    [key: string]: unknown;
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  [key: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  author?: string;
  empty_layer?: boolean;
}

/** One layer as a source provides it: metadata plus a way to read its blob. */
export interface LayerBlob {
  /** Digest of the blob as stored (compressed bytes for registries and OCI layouts). */
  digest: string;
  /** Uncompressed digest (config rootfs.diff_ids), when known. */
  diffId?: string;
  mediaType: string;
  /** Size in bytes of the blob as stored, when known. */
  size?: number;
  /**
   * Opens the blob's bytes as stored. The stream verifies the bytes against
   * `digest` as they pass and errors (DigestMismatchError) at the end when they
   * do not match, so consumers must read it to the end.
   */
  open(): Promise<Readable>;
}

/** An image resolved by a source: what the later stages need, nothing more. */
export interface ResolvedImage extends Verification {
  /** The reference as the user wrote it. */
  ref: string;
  /** Transport name: oci, oci-archive, docker-archive, dir, docker. */
  transport: string;
  /** Digest the reference resolves to (an index for multi-arch images; what `skopeo inspect` reports); absent for dir:. */
  digest?: string;
  /** Digest of the chosen platform's image manifest (equals `digest` for single-platform images). */
  manifestDigest?: string;
  /** Digest of the config blob; absent for dir:. */
  configDigest?: string;
  manifestMediaType?: string;
  /** The image manifest's annotations (`org.opencontainers.image.base.name`...), when it has any. */
  annotations?: Record<string, string>;
  platform?: Platform;
  config: ImageConfigFile;
  /** Layers bottom-up. Empty for `dir:` (see `rootfs`). */
  layers: LayerBlob[];
  /** For `dir:` only: the root filesystem directory, read in place. */
  rootfs?: string;
  /** Releases what the source holds open (file handles, temp state). */
  close(): Promise<void>;
}

/** Options shared by every source; each uses what applies to it. */
export interface SourceOptions {
  platform?: Platform;
  username?: string;
  password?: string;
  insecure?: boolean;
  offline?: boolean;
  /** Where to find docker's config.json (default: $DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir?: string;
  /** Keep failed runtime checks (diff IDs, descriptor sizes) as warnings instead of errors. */
  skipVerify?: boolean;
  /** Progress callback for downloads: bytes received so far of a blob. */
  onProgress?: (event: DownloadProgress) => void;
}

export interface DownloadProgress {
  digest: string;
  received: number;
  total?: number;
  done: boolean;
}
