import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PlimsollError } from '../../errors.js';
import { DOCKER_HUB } from '../reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker's `identitytoken`), traded at the Bearer realm. */
  identityToken?: string;
  /** Where they came from, for error messages: "--username", a config file, a helper program. */
  source: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker keeps Hub credentials under this historic key, and hands it to helpers as the server URL. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set(['index.docker.io', 'docker.io', DOCKER_HUB]);
const HELPER_TIMEOUT_MS = 30_000;

/** `https://host:port/v1/` → `host:port`, with Docker Hub's aliases folded into one name. */
function normaliseHost(key: string): string {
  const host =
    key
      .replace(/^[a-z]+:\/\//i, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The server address docker passes to credential helpers for a registry. */
function serverAddress(registry: string): string {
  return normaliseHost(registry) === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
}

function findEntry<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  const want = normaliseHost(registry);
  return Object.entries(map ?? {}).find(([key]) => normaliseHost(key) === want)?.[1];
}

export function dockerConfigPath(dir?: string): string {
  return join(dir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PlimsollError(`${file}: cannot read docker config (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const config = JSON.parse(text) as DockerConfig;
    if (typeof config !== 'object' || config === null) throw new Error('not an object');
    return config;
  } catch {
    throw new PlimsollError(`${file}: docker config is not valid JSON`);
  }
}

/** Runs `docker-credential-NAME get`; undefined when the helper has nothing for this server. */
async function runHelper(name: string, server: string, configFile: string): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new PlimsollError(`${configFile}: invalid credential helper name "${name}"`);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // spawn's own `timeout` keeps its timer when the program does not exist; this one is unref'd.
    const timer = setTimeout(() => child.kill(), HELPER_TIMEOUT_MS).unref();
    child.on('close', () => clearTimeout(timer));
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new PlimsollError(
          e.code === 'ENOENT' ? `${program} (credential helper named in ${configFile}) is not on PATH` : `${program}: cannot run (${e.code ?? e.message})`,
        ),
      ),
    );
    child.on('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
    // A helper that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(server);
  });
  if (code !== 0) {
    if (/credentials not found/i.test(stdout + stderr)) return undefined;
    const detail = (stderr.trim() || stdout.trim()).split('\n')[0] || `exit code ${code ?? 'signal'}`;
    throw new PlimsollError(`${program} get ${server} failed: ${detail}`);
  }
  let reply: { Username?: unknown; Secret?: unknown };
  try {
    reply = JSON.parse(stdout) as typeof reply;
  } catch {
    throw new PlimsollError(`${program} get ${server}: output is not JSON`);
  }
  if (typeof reply.Secret !== 'string' || reply.Secret === '') return undefined;
  // Docker's convention: the user "<token>" means the secret is an identity token.
  if (reply.Username === '<token>') return { identityToken: reply.Secret, source: program };
  return { username: typeof reply.Username === 'string' ? reply.Username : '', password: reply.Secret, source: program };
}

function fromAuthsEntry(entry: NonNullable<DockerConfig['auths']>[string], file: string, registry: string): Credentials | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken, source: file };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new PlimsollError(`${file}: the "auth" entry for ${registry} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), source: file };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, source: file };
  return undefined;
}

/**
 * Credentials for `registry`, in docker's order: the command line, then the
 * registry's `credHelpers` program, then the `credsStore` program, then the
 * `auths` entry of config.json.
 */
export async function lookupCredentials(
  registry: string,
  options: { username?: string; password?: string; dockerConfigDir?: string },
): Promise<Credentials | undefined> {
  if (options.username !== undefined || options.password !== undefined) {
    if (options.username === undefined || options.password === undefined) {
      throw new PlimsollError(`${registry}: --username and --password (or --password-stdin) go together`);
    }
    return { username: options.username, password: options.password, source: '--username/--password' };
  }
  const file = dockerConfigPath(options.dockerConfigDir);
  const config = await readDockerConfig(file);
  if (!config) return undefined;
  const helper = findEntry(config.credHelpers, registry);
  if (helper) return runHelper(helper, serverAddress(registry), file);
  if (config.credsStore) {
    const stored = await runHelper(config.credsStore, serverAddress(registry), file);
    if (stored) return stored;
  }
  const entry = findEntry(config.auths, registry);
  return entry ? fromAuthsEntry(entry, file, registry) : undefined;
}
