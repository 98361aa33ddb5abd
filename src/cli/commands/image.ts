import { Command, Option } from 'commander';
import { buildArtifact, type Artifact } from '../../report/artifact.js';
import { addImageOptions, type ImageCliOptions } from '../image-options.js';
import { loadImage } from '../load-image.js';
import { writeOutput } from '../output.js';

interface ImageOptions extends ImageCliOptions {
  format: 'json' | 'table';
  output?: string;
}

function renderArtifactTable(a: Artifact): string {
  const lines = [
    `Image:    ${a.ref}`,
    `Digest:   ${a.digest ?? '-'}`,
    `Platform: ${a.platform ?? '-'}`,
    `User:     ${a.config.user || 'root (none set)'}`,
    `Layers:   ${a.layers.length}`,
    ...a.layers.map((l) => `  ${l.index}  ${l.digest}  ${(l.createdBy ?? '').slice(0, 80)}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function imageCommand(): Command {
  const command = new Command('image')
    .description('scan an image: what it is made of (inventory, vulnerabilities and hardening come as they land)')
    .argument('<ref>', 'image reference (oci:, oci-archive:, docker-archive:, dir:, docker:// or REPO:TAG)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no progress output');
  return addImageOptions(command).action(async (ref: string, opts: ImageOptions) => {
    const { image, contents } = await loadImage(ref, opts);
    const artifact = buildArtifact(image, contents);
    const format = opts.format ?? (process.stdout.isTTY && !opts.output ? 'table' : 'json');
    const text = format === 'json' ? `${JSON.stringify({ schemaVersion: 1, artifact }, null, 2)}\n` : renderArtifactTable(artifact);
    await writeOutput(text, opts.output);
  });
}
