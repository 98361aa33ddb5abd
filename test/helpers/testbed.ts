// Where the shared testbed's images, truth and registries live (built by .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const TESTBED = resolve(process.env.PLIMSOLL_TESTBED ?? '/var/cache/plimsoll-testbed');
export const SHARED = resolve(process.env.PLIMSOLL_SHARED ?? join(import.meta.dirname, '../../../shared'));

/** Every image the testbed builds, with its tag. */
export const IMAGES: Record<string, string> = {
  'debian-bookworm': '12',
  'debian-app': '1.0',
  'distroless-style': '12',
  'alpine-3.10': '3.10.9',
  'alpine-3.12': '3.12.12',
  'alpine-3.20': '3.20.3',
  'alpine-3.20-zstd': '3.20.3',
  'alpine-multiarch': '3.20.3',
  'scratch-go': '1.0',
};

export function testbedAvailable(): boolean {
  return existsSync(join(TESTBED, 'oci')) && existsSync(join(TESTBED, 'truth'));
}

/** Skip reason for tests that need the testbed, or undefined when it is there. */
export function needTestbed(): string | undefined {
  return testbedAvailable() ? undefined : `testbed not built at ${TESTBED} (run .ci/run or set PLIMSOLL_TESTBED)`;
}

export interface RegistryEnv {
  auth: string;
  anon: string;
  user: string;
  password: string;
}

/** The running testbed registries (registry.sh start writes OUTDIR/registry/env). */
export function registryEnv(): RegistryEnv | undefined {
  const file = join(TESTBED, 'registry', 'env');
  if (!existsSync(file)) return undefined;
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { auth: vars.REGISTRY_AUTH ?? '', anon: vars.REGISTRY_ANON ?? '', user: vars.REGISTRY_USER ?? '', password: vars.REGISTRY_PASSWORD ?? '' };
}

/** Whether a program runs here (`cmd --version` exits 0). */
/** Whether a program is on PATH (asked of the shell: not every program answers `--version`, OpenSSL 3 does not). */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

/** Skip reason for tests that need the running testbed registries and skopeo, or undefined. */
export function needRegistry(): string | undefined {
  return (
    needTestbed() ??
    (registryEnv() ? undefined : `testbed registries not started (registry.sh start ${TESTBED} && registry.sh push ${TESTBED})`) ??
    (hasCommand('skopeo') ? undefined : 'skopeo not installed (../shared/testbed/install-tools.sh)')
  );
}
