import type { ImageContents } from '../image/scan.js';
import type { ResolvedImage } from '../image/types.js';
import type { OsInfo } from '../model/os.js';

/** The report's `artifact`: what was scanned (the DESIGN's JSON contract). */
export interface Artifact {
  ref: string;
  transport: string;
  digest?: string;
  manifestDigest?: string;
  configDigest?: string;
  mediaType?: string;
  platform?: string;
  os?: OsInfo;
  layers: { index: number; digest: string; diffId?: string; mediaType: string; size?: number; createdBy?: string }[];
  config: {
    user?: string;
    env: string[];
    entrypoint?: string[];
    cmd?: string[];
    workingDir?: string;
    exposedPorts?: string[];
    labels?: Record<string, string>;
    healthcheck?: string[];
  };
  history: { created?: string; createdBy?: string; emptyLayer?: boolean }[];
}

export function buildArtifact(image: ResolvedImage, contents: ImageContents, os?: OsInfo): Artifact {
  const c = image.config.config ?? {};
  const platform = image.platform;
  return {
    ref: image.ref,
    transport: image.transport,
    ...(image.digest ? { digest: image.digest } : {}),
    ...(image.manifestDigest ? { manifestDigest: image.manifestDigest } : {}),
    ...(image.configDigest ? { configDigest: image.configDigest } : {}),
    ...(image.manifestMediaType ? { mediaType: image.manifestMediaType } : {}),
    ...(platform ? { platform: [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/') } : {}),
    ...(os ? { os } : {}),
    layers: contents.layers.map((l) => ({
      index: l.index,
      digest: l.digest,
      ...(l.diffId ? { diffId: l.diffId } : {}),
      mediaType: l.mediaType,
      ...(l.size !== undefined ? { size: l.size } : {}),
      ...(l.createdBy ? { createdBy: l.createdBy } : {}),
    })),
    config: {
      ...(c.User ? { user: c.User } : {}),
      env: c.Env ?? [],
      ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
      ...(c.Cmd ? { cmd: c.Cmd } : {}),
      ...(c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
      ...(c.ExposedPorts ? { exposedPorts: Object.keys(c.ExposedPorts) } : {}),
      ...(c.Labels ? { labels: c.Labels } : {}),
      ...(c.Healthcheck?.Test ? { healthcheck: c.Healthcheck.Test } : {}),
    },
    history: (image.config.history ?? []).map((h) => ({
      ...(h.created ? { created: h.created } : {}),
      ...(h.created_by ? { createdBy: h.created_by } : {}),
      ...(h.empty_layer ? { emptyLayer: true } : {}),
    })),
  };
}
