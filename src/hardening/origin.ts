// Which layers the base image brought and which the user's own build added.
import type { ImageConfigFile } from '../image/types.js';
import type { HistoryStep } from './history.js';

export type Origin = 'base' | 'own';

export interface LayerOrigins {
  /** Layers with a lower index belong to the base image. */
  baseLayers: number;
  /** History steps with a lower index belong to the base image. */
  firstOwnStep: number;
  /**
   * How the split was found: `history` (the base's history ends with its CMD/ENTRYPOINT, the user's Dockerfile
   * starts after it), `scratch` (no base layers at all), `whole-image` (nothing after the base's CMD: the image is a base image).
   */
  method: 'history' | 'scratch' | 'whole-image';
  /** Always true for now: the split is read from the history, not from a base manifest. */
  inferred: boolean;
  /** `org.opencontainers.image.base.name` / `.base.digest` (manifest annotations, else labels), when the build recorded them. */
  baseName?: string;
  baseDigest?: string;
}

const END_OF_BASE = new Set(['CMD', 'ENTRYPOINT']);

/** Splits the history at the last CMD/ENTRYPOINT that layers follow; `scratch` when there is no base at all. */
export function splitOrigins(
  config: ImageConfigFile,
  history: readonly HistoryStep[],
  layerCount: number,
  scratch: boolean,
  annotations: Record<string, string> = {},
): LayerOrigins {
  // The OCI spec puts these in the manifest's annotations; some builders write them as labels.
  const declared = (key: string): string | undefined => annotations[key] ?? config.config?.Labels?.[key];
  const baseName = declared('org.opencontainers.image.base.name');
  const baseDigest = declared('org.opencontainers.image.base.digest');
  const named = { ...(baseName ? { baseName } : {}), ...(baseDigest ? { baseDigest } : {}) };
  if (scratch) return { baseLayers: 0, firstOwnStep: 0, method: 'scratch', inferred: true, ...named };
  let boundary = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    const step = history[i] as HistoryStep;
    if (END_OF_BASE.has(step.instruction) && history.slice(i + 1).some((s) => !s.emptyLayer)) {
      boundary = i + 1;
      break;
    }
  }
  if (boundary < 0) return { baseLayers: layerCount, firstOwnStep: history.length, method: 'whole-image', inferred: true, ...named };
  const baseLayers = history.slice(0, boundary).filter((s) => !s.emptyLayer).length;
  return { baseLayers: Math.min(baseLayers, layerCount), firstOwnStep: boundary, method: 'history', inferred: true, ...named };
}

export function layerOrigin(origins: LayerOrigins, layerIndex: number): Origin {
  return layerIndex < origins.baseLayers ? 'base' : 'own';
}

export function stepOrigin(origins: LayerOrigins, stepIndex: number): Origin {
  return stepIndex < origins.firstOwnStep ? 'base' : 'own';
}

/** Where a fix of the final config (USER, HEALTHCHECK) belongs: the user's build when there is one, else the base image. */
export function configOrigin(origins: LayerOrigins, history: readonly HistoryStep[]): Origin {
  return origins.firstOwnStep < history.length || origins.method === 'scratch' ? 'own' : 'base';
}
