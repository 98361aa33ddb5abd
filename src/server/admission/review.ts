// The admission.k8s.io/v1 AdmissionReview the Kubernetes API server sends a validating webhook
// (k8s.io/api admission/v1 types.go), and the containers of the pod a reviewed object would run:
// a Pod's own, or a workload's pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
// CronJob, ReplicationController). The envelope is checked by the route's JSON schema; the object,
// whose shape depends on its kind, here, with an InputError naming the field.
import { InputError } from '../../errors.js';

const groupVersionKind = {
  type: 'object',
  required: ['group', 'version', 'kind'],
  properties: { group: { type: 'string' }, version: { type: 'string' }, kind: { type: 'string' } },
} as const;
const groupVersionResource = {
  type: 'object',
  required: ['group', 'version', 'resource'],
  properties: { group: { type: 'string' }, version: { type: 'string' }, resource: { type: 'string' } },
} as const;
const rawObject = { type: 'object', nullable: true, additionalProperties: true } as const;

export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

export const admissionReviewSchema = {
  type: 'object',
  description: 'admission.k8s.io/v1 AdmissionReview with its request',
  required: ['apiVersion', 'kind', 'request'],
  properties: {
    apiVersion: { type: 'string', enum: ['admission.k8s.io/v1'] },
    kind: { type: 'string', enum: ['AdmissionReview'] },
    request: {
      type: 'object',
      required: ['uid', 'kind', 'resource', 'operation'],
      properties: {
        uid: { type: 'string', minLength: 1, maxLength: 128 },
        kind: groupVersionKind,
        resource: groupVersionResource,
        subResource: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
        operation: { type: 'string', enum: OPERATIONS },
        object: rawObject,
        oldObject: rawObject,
        dryRun: { type: 'boolean' },
      },
    },
  },
} as const;

type Json = Record<string, unknown>;

export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: (typeof OPERATIONS)[number];
  object?: Json | null;
  oldObject?: Json | null;
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request: AdmissionRequest;
}

/** Where each kind keeps the pod spec, by `group/kind` (the core group is ''). */
const POD_SPEC: Record<string, readonly string[]> = {
  '/Pod': ['spec'],
  '/ReplicationController': ['spec', 'template', 'spec'],
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** One container the pod would run, with what decides the user it runs as. */
export interface PodContainer {
  list: (typeof CONTAINER_LISTS)[number];
  name: string;
  image: string;
  /** The container's securityContext, else the pod's. */
  runAsUser?: number;
  runAsNonRoot?: boolean;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function securityContext(value: unknown, where: string): { runAsUser?: number; runAsNonRoot?: boolean } {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new InputError(`${where}: expected an object`);
  const { runAsUser, runAsNonRoot } = value;
  if (runAsUser !== undefined && runAsUser !== null && (typeof runAsUser !== 'number' || !Number.isInteger(runAsUser)))
    throw new InputError(`${where}.runAsUser: expected an integer`);
  if (runAsNonRoot !== undefined && runAsNonRoot !== null && typeof runAsNonRoot !== 'boolean')
    throw new InputError(`${where}.runAsNonRoot: expected true or false`);
  return { ...(typeof runAsUser === 'number' ? { runAsUser } : {}), ...(typeof runAsNonRoot === 'boolean' ? { runAsNonRoot } : {}) };
}

/** Whether the reviewed kind runs pods (so has images to judge). */
export function isWorkload(request: AdmissionRequest): boolean {
  return POD_SPEC[`${request.kind.group}/${request.kind.kind}`] !== undefined;
}

/** The containers of a workload object's pod spec; `where` names the object in errors (request.object). */
export function podContainers(request: AdmissionRequest, object: unknown, where: string): PodContainer[] {
  const path = POD_SPEC[`${request.kind.group}/${request.kind.kind}`];
  if (!path) return [];
  let spec: unknown = object;
  let at = where;
  if (!isObject(spec)) throw new InputError(`${at}: expected the ${request.kind.kind} object`);
  for (const key of path) {
    spec = (spec as Json)[key];
    at = `${at}.${key}`;
    if (!isObject(spec)) throw new InputError(`${at}: expected an object`);
  }
  const pod = securityContext((spec as Json).securityContext, `${at}.securityContext`);
  const containers: PodContainer[] = [];
  for (const list of CONTAINER_LISTS) {
    const items = (spec as Json)[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) throw new InputError(`${at}.${list}: expected an array`);
    for (const [i, c] of items.entries()) {
      const here = `${at}.${list}[${i}]`;
      if (!isObject(c)) throw new InputError(`${here}: expected an object`);
      if (typeof c.name !== 'string' || c.name === '') throw new InputError(`${here}.name: expected a non-empty string`);
      if (typeof c.image !== 'string' || c.image === '' || c.image.length > 1024) throw new InputError(`${here}.image: expected an image reference`);
      const own = securityContext(c.securityContext, `${here}.securityContext`);
      const runAsUser = own.runAsUser ?? pod.runAsUser;
      const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
      containers.push({
        list,
        name: c.name,
        image: c.image,
        ...(runAsUser !== undefined ? { runAsUser } : {}),
        ...(runAsNonRoot !== undefined ? { runAsNonRoot } : {}),
      });
    }
  }
  return containers;
}

/**
 * The containers a request asks to admit. An UPDATE is judged on what it changes: a container the
 * old object already ran with the same image and user is left alone, so scaling or relabelling a
 * workload is never blocked by a finding that appeared after it was admitted.
 */
export function containersToJudge(request: AdmissionRequest): PodContainer[] {
  const now = podContainers(request, request.object, 'request.object');
  if (request.operation !== 'UPDATE' || !request.oldObject) return now;
  const key = (c: PodContainer): string => JSON.stringify([c.list, c.name, c.image, c.runAsUser ?? null, c.runAsNonRoot ?? null]);
  const before = new Set(podContainers(request, request.oldObject, 'request.oldObject').map(key));
  return now.filter((c) => !before.has(key(c)));
}
