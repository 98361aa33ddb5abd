// Turning the image options into what the image sources take (loaded with the commands' actions,
// not with their definitions).
import { PlimsollError } from '../errors.js';
import { parsePlatform } from '../image/manifest.js';
import type { SourceOptions } from '../image/types.js';
import type { ImageCliOptions } from './image-options.js';
import { DownloadBar, progressWanted } from './progress.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function sourceOptions(opts: ImageCliOptions, bar?: DownloadBar): Promise<SourceOptions> {
  const password = opts.passwordStdin ? await readStdin() : opts.password;
  if (password !== undefined && !opts.username) throw new PlimsollError('--password needs --username');
  return {
    ...(opts.platform ? { platform: parsePlatform(opts.platform) } : {}),
    ...(opts.username ? { username: opts.username } : {}),
    ...(password !== undefined ? { password } : {}),
    insecure: opts.insecure === true,
    offline: opts.offline === true,
    ...(opts.insecureSkipVerify ? { skipVerify: true } : {}),
    ...(bar ? { onProgress: bar.update } : {}),
  };
}

export function downloadBar(opts: ImageCliOptions): DownloadBar | undefined {
  return progressWanted(opts.quiet) ? new DownloadBar() : undefined;
}
