// Image JSON (config, manifest, index, docker-archive manifest.json) is checked against the shape
// Plimsoll reads before any of it is used: a wrong type is one line naming the field (exit 2), never
// a crash deep in a later stage.
import { InputError } from '../errors.js';

export type Shape =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | { array: Shape }
  | { record: Shape }
  | { fields: Record<string, Shape>; required?: readonly string[] }
  | { nullable: Shape };

export const nullable = (shape: Shape): Shape => ({ nullable: shape });
export const arrayOf = (shape: Shape): Shape => ({ array: shape });
export const recordOf = (shape: Shape): Shape => ({ record: shape });

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first place where `value` does not have `shape`, in words; undefined when it does. Iterative: depth costs no stack. */
export function shapeProblem(value: unknown, shape: Shape, path: string): string | undefined {
  const work: [unknown, Shape, string][] = [[value, shape, path]];
  while (work.length > 0) {
    const [v, s, p] = work.pop() as [unknown, Shape, string];
    if (typeof s === 'string') {
      const ok =
        s === 'integer'
          ? Number.isSafeInteger(v) && (v as number) >= 0
          : s === 'object'
            ? isObject(v)
            : typeof v === s && (s !== 'number' || Number.isFinite(v));
      if (!ok) return `${p} is ${kind(v)}, expected ${s === 'integer' ? 'a non-negative integer' : s === 'object' ? 'an object' : `a ${s}`}`;
    } else if ('nullable' in s) {
      if (v !== null) work.push([v, s.nullable, p]);
    } else if ('array' in s) {
      if (!Array.isArray(v)) return `${p} is ${kind(v)}, expected an array`;
      // Pushed last to first, so the first problem found is the first in the document.
      for (let i = v.length - 1; i >= 0; i--) work.push([v[i], s.array, `${p}[${i}]`]);
    } else if (!isObject(v)) {
      return `${p} is ${kind(v)}, expected an object`;
    } else if ('record' in s) {
      for (const [k, item] of Object.entries(v).reverse()) work.push([item, s.record, `${p}.${k}`]);
    } else {
      for (const name of s.required ?? []) if (!(name in v)) return `${p}.${name} is missing`;
      for (const [name, field] of Object.entries(s.fields).reverse()) if (v[name] !== undefined) work.push([v[name], field, `${p}.${name}`]);
    }
  }
  return undefined;
}

/** Throws a one-line InputError naming `what` and the field when `value` does not have `shape`. */
export function checkShape<T>(value: unknown, shape: Shape, path: string, what: string): T {
  const problem = shapeProblem(value, shape, path);
  if (problem) throw new InputError(`${what}: ${problem}`);
  return value as T;
}

const strings = arrayOf('string');

/** The image config fields Plimsoll reads (others are kept, unchecked). */
export const CONFIG_SHAPE: Shape = {
  fields: {
    architecture: 'string',
    os: 'string',
    variant: 'string',
    created: 'string',
    config: nullable({
      fields: {
        User: 'string',
        Env: nullable(strings),
        Entrypoint: nullable(strings),
        Cmd: nullable(strings),
        WorkingDir: 'string',
        Labels: nullable(recordOf('string')),
        ExposedPorts: nullable(recordOf('object')),
        Volumes: nullable(recordOf('object')),
        StopSignal: 'string',
        Healthcheck: nullable({ fields: { Test: nullable(strings), Interval: 'number', Timeout: 'number', Retries: 'number' } }),
      },
    }),
    rootfs: { fields: { type: 'string', diff_ids: strings } },
    history: arrayOf({ fields: { created: 'string', created_by: 'string', comment: 'string', author: 'string', empty_layer: 'boolean' } }),
  },
};

export const DESCRIPTOR_SHAPE: Shape = {
  required: ['digest', 'size'],
  fields: {
    mediaType: 'string',
    digest: 'string',
    size: 'integer',
    urls: strings,
    annotations: recordOf('string'),
    platform: { fields: { os: 'string', architecture: 'string', variant: 'string', 'os.version': 'string', 'os.features': strings } },
  },
};

export const MANIFEST_SHAPE: Shape = {
  required: ['config', 'layers'],
  fields: { mediaType: 'string', config: DESCRIPTOR_SHAPE, layers: arrayOf(DESCRIPTOR_SHAPE), annotations: recordOf('string') },
};

export const INDEX_SHAPE: Shape = {
  required: ['manifests'],
  fields: { mediaType: 'string', manifests: arrayOf(DESCRIPTOR_SHAPE), annotations: recordOf('string') },
};

/** `docker save`'s manifest.json. */
export const DOCKER_ARCHIVE_SHAPE: Shape = arrayOf({
  required: ['Config', 'Layers'],
  fields: { Config: 'string', RepoTags: nullable(strings), Layers: strings },
});
