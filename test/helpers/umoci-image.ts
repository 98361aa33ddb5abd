// Test images built with umoci, the testbed's image tool: each layer is a real `umoci repack` of a
// bundle the test edits (so a deleted file becomes umoci's own whiteout), each config change a real
// `umoci config`, each with the history line the test names. Needs umoci on PATH and root (to keep
// setuid bits and root ownership), as in CI.
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file (with a body), a hard link to an earlier entry, or a directory (neither), its mode applied exactly (setuid and sticky bits kept). */
export interface RootfsEntry {
  path: string;
  body?: string;
  hardLinkTo?: string;
  mode?: number;
}

/** One `umoci repack`: entries written and paths deleted in the bundle, and the history line. */
export interface LayerStep {
  write?: RootfsEntry[];
  remove?: string[];
  createdBy: string;
}

/** One `umoci config`; without createdBy it records no history entry. */
export interface ConfigStep {
  config: { user?: string; env?: string[]; exposedPorts?: string[]; cmd?: string[] };
  createdBy?: string;
}

export type ImageStep = LayerStep | ConfigStep;

const umoci = (args: string[]): void => {
  execFileSync('umoci', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

function applyLayer(rootfs: string, step: LayerStep): void {
  for (const path of step.remove ?? []) rmSync(join(rootfs, path), { recursive: true });
  for (const { path, body, hardLinkTo, mode } of step.write ?? []) {
    const target = join(rootfs, path);
    if (hardLinkTo !== undefined) {
      mkdirSync(dirname(target), { recursive: true });
      linkSync(join(rootfs, hardLinkTo), target);
      continue;
    }
    if (body === undefined) {
      mkdirSync(target, { recursive: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, body);
    }
    // chmod, not the create mode: the umask would strip group/other write and the special bits.
    chmodSync(target, mode ?? (body === undefined ? 0o755 : 0o644));
  }
}

function configArgs({ config, createdBy }: ConfigStep): string[] {
  return [
    ...(config.user === undefined ? [] : ['--config.user', config.user]),
    ...(config.env ?? []).flatMap((e) => ['--config.env', e]),
    ...(config.exposedPorts ?? []).flatMap((p) => ['--config.exposedports', p]),
    ...(config.cmd ?? []).flatMap((c) => ['--config.cmd', c]),
    ...(createdBy === undefined ? ['--no-history'] : ['--history.created_by', createdBy]),
  ];
}

/**
 * Builds an OCI layout holding one image tagged `tag` from the steps, in order, and hands its directory
 * to `use`; the layout and the bundles are removed afterwards.
 */
export async function withUmociImage<T>(steps: ImageStep[], tag: string, use: (layout: string) => Promise<T>): Promise<T> {
  // umoci init refuses an existing directory: the layout goes inside the temp dir, beside the bundles.
  const work = mkdtempSync(join(tmpdir(), 'plimsoll-umoci-image-'));
  const layout = join(work, 'oci');
  const image = `${layout}:${tag}`;
  try {
    umoci(['init', '--layout', layout]);
    umoci(['new', '--image', image]);
    steps.forEach((step, i) => {
      if ('config' in step) {
        umoci(['config', '--image', image, ...configArgs(step)]);
        return;
      }
      const bundle = join(work, `bundle-${i}`);
      umoci(['unpack', '--image', image, bundle]);
      applyLayer(join(bundle, 'rootfs'), step);
      umoci(['repack', '--image', image, '--history.created_by', step.createdBy, bundle]);
      rmSync(bundle, { recursive: true });
    });
    return await use(layout);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
