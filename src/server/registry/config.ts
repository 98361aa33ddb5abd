// The registries the server scans: where each is, the project its images are filed under, and its
// secrets — the pull credentials and the token its notifier presents — read from files or
// environment variables named in the settings, never written in them (so they never reach a log,
// a process listing or the config file).
import { InputError } from '../../errors.js';
import { PROJECT_NAME } from '../auth.js';
import { parseInterval } from '../serve.js';
import { readSecretFile } from '../secret-file.js';

export interface RegistryConfig {
  /** The name the API and job payloads use: /api/v1/registries/{name}/... */
  name: string;
  /** host[:port], as an image reference names the registry. */
  host: string;
  /** Plain HTTP or an untrusted certificate accepted (loopback registries speak plain HTTP without it). */
  insecure: boolean;
  project: string;
  username?: string;
  password?: string;
  /** What the registry's notifier sends as `Authorization: Bearer <token>`; without it, notifications are refused. */
  notifyToken?: string;
  /** Full catalog rescans this often; 0: only on demand. */
  rescanIntervalMs: number;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEYS = [
  'name',
  'url',
  'project',
  'username',
  'password-file',
  'password-env',
  'notify-token-file',
  'notify-token-env',
  'insecure',
  'rescan-interval',
] as const;
type Key = (typeof KEYS)[number];

/** A secret from the file or the environment variable the settings name; its value is never put in a message. */
function secret(fields: Partial<Record<Key, string>>, what: 'password' | 'notify-token', where: string): string | undefined {
  const file = fields[`${what}-file`];
  const env = fields[`${what}-env`];
  if (file !== undefined && env !== undefined) throw new InputError(`${where}: give ${what}-file or ${what}-env, not both`);
  if (file !== undefined) return readSecretFile(file, `${where}: ${what}-file ${file}`);
  if (env !== undefined) {
    const value = process.env[env];
    if (!value) throw new InputError(`${where}: ${what}-env: the environment variable ${env} is not set`);
    return value;
  }
  return undefined;
}

/** `https://host[:port]` or `http://host[:port]` (plain HTTP: insecure or loopback). */
function registryHost(url: string, insecure: boolean, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`${where}: url: "${url}" is not a URL (https://registry.example:5000)`);
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.pathname !== '/' || parsed.search || parsed.username) {
    throw new InputError(`${where}: url: "${url}" must be http(s)://host[:port] with no path or credentials`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'http:' && !loopback && !insecure) throw new InputError(`${where}: url: plain HTTP to ${parsed.host} needs insecure: true`);
  return parsed.host;
}

/**
 * One registry from its settings: a mapping (config file) or `key=value,...` (flag or environment),
 * keys name, url, project, username, password-file | password-env, notify-token-file |
 * notify-token-env, insecure, rescan-interval.
 */
export function parseRegistry(value: unknown, where: string): RegistryConfig {
  const fields = typeof value === 'string' ? fieldsOf(value, where) : value;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new InputError(`${where}: expected a mapping of registry settings`);
  const text: Partial<Record<Key, string>> = {};
  for (const [key, v] of Object.entries(fields)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new InputError(`${where}: unknown key "${key}" (known: ${KEYS.join(', ')})`);
    if (typeof v !== 'string' && typeof v !== 'boolean') throw new InputError(`${where}: ${key} must be a string`);
    text[key as Key] = String(v);
  }
  const { name, url, project } = text;
  if (!name || !NAME.test(name)) throw new InputError(`${where}: name: "${name ?? ''}" is not a registry name (lower-case letters, digits, -)`);
  const at = `${where} (${name})`;
  if (!url) throw new InputError(`${at}: url is required`);
  if (!project || !PROJECT_NAME.test(project)) throw new InputError(`${at}: project: "${project ?? ''}" is not a project name`);
  if (text.insecure !== undefined && !/^(true|false)$/.test(text.insecure)) throw new InputError(`${at}: insecure: "${text.insecure}" is not true or false`);
  const insecure = text.insecure === 'true';
  const password = secret(text, 'password', at);
  if (password !== undefined && text.username === undefined) throw new InputError(`${at}: a password needs a username`);
  const notifyToken = secret(text, 'notify-token', at);
  return {
    name,
    host: registryHost(url, insecure, at),
    insecure,
    project,
    ...(text.username !== undefined ? { username: text.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(notifyToken !== undefined ? { notifyToken } : {}),
    rescanIntervalMs: parseInterval(text['rescan-interval'] ?? '0', `${at}: rescan-interval`),
  };
}

/** `name=a,url=https://…,insecure` → { name: 'a', url: 'https://…', insecure: 'true' }. */
function fieldsOf(text: string, where: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key in fields) throw new InputError(`${where}: ${key} given twice`);
    fields[key] = eq < 0 ? 'true' : part.slice(eq + 1);
  }
  return fields;
}

/** Registry names are the keys of the API paths: they must be unique. */
export function checkUniqueNames(registries: readonly RegistryConfig[]): void {
  const seen = new Set<string>();
  for (const r of registries) {
    if (seen.has(r.name)) throw new InputError(`registry "${r.name}" is configured twice`);
    seen.add(r.name);
  }
}
