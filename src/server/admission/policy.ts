// Named admission policies, from the file `plimsoll server --admission-policies FILE` names (YAML or
// JSON). Each says what denies an image, how images are found among the stored scans, and what to
// answer when the evaluation fails or runs out of time. Anything unknown or out of range is refused
// at start with one line naming it, so a typo never silently weakens a gate.
import { readFileSync } from 'node:fs';
import { yaml } from '../../lazy-require.js';
import { InputError, errorMessage } from '../../errors.js';
import { parseSeverity } from '../../policy/fail-on.js';
import type { Severity } from '../../model/finding.js';

export const POLICY_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface AdmissionPolicy {
  name: string;
  deny: {
    /** Any vulnerability at or above this severity... */
    severity?: Severity;
    /** ...that has a fixed version (so the owner can act on it). */
    fixedOnly: boolean;
    /** Any vulnerability in CISA's Known Exploited Vulnerabilities catalog. */
    kev: boolean;
    /** Built (the image config's `created`) more than this many days ago. */
    maxAgeDays?: number;
    /** Any secret found in the image. */
    secrets: boolean;
    /** Runs as root: the image's User, unless the pod or container sets runAsUser or runAsNonRoot. */
    root: boolean;
    /** Not known to the server (no scan stored in the project). */
    unscanned: boolean;
  };
  /** Also find images named by tag (`app:1.4`) among the scans' references; else only by digest. */
  matchTags: boolean;
  /** What the answer is when the evaluation fails or exceeds its budget. */
  failure: 'open' | 'closed';
  timeoutMs: number;
}

export type AdmissionPolicies = ReadonlyMap<string, AdmissionPolicy>;

export const DEFAULT_TIMEOUT_MS = 2000;
/** The Kubernetes API server waits at most 30 s (timeoutSeconds); an answer after that is lost. */
const MAX_TIMEOUT_MS = 29_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(value: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new InputError(`${where}: unknown setting "${key}" (known: ${allowed.join(', ')})`);
}

function flag(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InputError(`${where}: expected true or false`);
  return value;
}

function wholeNumber(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InputError(`${where}: expected a whole number from ${min} to ${max}`);
  return value;
}

function readPolicy(name: string, value: unknown, where: string): AdmissionPolicy {
  if (!POLICY_NAME.test(name)) throw new InputError(`${where}: "${name}" is not a policy name (lower-case letters, digits and -; up to 63)`);
  if (!isObject(value)) throw new InputError(`${where}: expected a mapping`);
  onlyKeys(value, ['deny', 'matchTags', 'failure', 'timeoutMs'], where);
  const deny = value.deny ?? {};
  if (!isObject(deny)) throw new InputError(`${where}.deny: expected a mapping`);
  onlyKeys(deny, ['severity', 'fixedOnly', 'kev', 'maxAgeDays', 'secrets', 'root', 'unscanned'], `${where}.deny`);
  if (deny.severity !== undefined && typeof deny.severity !== 'string') throw new InputError(`${where}.deny.severity: expected a severity name`);
  const failure = value.failure ?? 'closed';
  if (failure !== 'open' && failure !== 'closed') throw new InputError(`${where}.failure: expected open or closed`);
  return {
    name,
    deny: {
      ...(deny.severity !== undefined ? { severity: parseSeverity(deny.severity, `${where}.deny.severity`) } : {}),
      fixedOnly: flag(deny.fixedOnly, `${where}.deny.fixedOnly`),
      kev: flag(deny.kev, `${where}.deny.kev`),
      ...(deny.maxAgeDays !== undefined ? { maxAgeDays: wholeNumber(deny.maxAgeDays, `${where}.deny.maxAgeDays`, 1, 36_500) } : {}),
      secrets: flag(deny.secrets, `${where}.deny.secrets`),
      root: flag(deny.root, `${where}.deny.root`),
      unscanned: flag(deny.unscanned, `${where}.deny.unscanned`),
    },
    matchTags: flag(value.matchTags, `${where}.matchTags`),
    failure,
    timeoutMs: value.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : wholeNumber(value.timeoutMs, `${where}.timeoutMs`, 1, MAX_TIMEOUT_MS),
  };
}

/** `{ policies: { NAME: { deny, matchTags, failure, timeoutMs } } }`. */
export function parseAdmissionPolicies(doc: unknown, where: string): AdmissionPolicies {
  if (!isObject(doc)) throw new InputError(`${where}: expected a mapping with "policies"`);
  onlyKeys(doc, ['policies'], where);
  if (!isObject(doc.policies) || Object.keys(doc.policies).length === 0) throw new InputError(`${where}: "policies" must name at least one policy`);
  return new Map(Object.entries(doc.policies).map(([name, value]) => [name, readPolicy(name, value, `${where}: policies.${name}`)]));
}

export function loadAdmissionPolicies(file: string): AdmissionPolicies {
  let doc: unknown;
  try {
    doc = yaml().parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`--admission-policies ${file}: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
  return parseAdmissionPolicies(doc, `--admission-policies ${file}`);
}
