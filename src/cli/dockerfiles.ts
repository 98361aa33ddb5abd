// What `plimsoll dockerfile PATH` lints: a file; a directory, every Dockerfile in it at any depth
// (Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, Containerfile.*; node_modules and .git
// skipped, symlinks not followed so a link cannot loop the walk); or `-`, standard input.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lintDockerfile, lintDockerfileFile, type DockerfileLintOptions } from '../dockerfile/index.js';
import { InputError } from '../errors.js';
import type { Finding } from '../model/finding.js';

const DOCKERFILE = /^(?:(?:Dockerfile|Containerfile)(?:\..+)?|.+\.(?:Dockerfile|dockerfile|Containerfile))$/;
const SKIPPED = new Set(['node_modules', '.git']);

/** The Dockerfiles under `dir`, sorted. */
export async function dockerfilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      throw new InputError(`${current}: cannot read directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) pending.push(join(current, entry.name));
      else if (entry.isFile() && DOCKERFILE.test(entry.name)) found.push(join(current, entry.name));
    }
  }
  return found.sort();
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) throw new InputError('standard input: not a Dockerfile (binary data)');
  return bytes.toString('utf8');
}

export async function lintTarget(path: string, options: Omit<DockerfileLintOptions, 'path'>): Promise<Finding[]> {
  if (path === '-') return lintDockerfile(await readStdin(), { ...options, path: '-' });
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return (await lintDockerfileFile(path, options)).findings;
  const files = await dockerfilesIn(path);
  if (files.length === 0) throw new InputError(`${path}: no Dockerfile in this directory (looked for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile)`);
  const findings: Finding[] = [];
  for (const file of files) findings.push(...(await lintDockerfileFile(file, options)).findings);
  return findings;
}
