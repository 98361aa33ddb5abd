import type { DownloadProgress } from '../image/types.js';
import type { DbMessages } from '../vulndb/options.js';

/** Whether progress may be drawn: a terminal on stderr, not CI, not --quiet. */
export function progressWanted(quiet: boolean | undefined): boolean {
  return !quiet && process.stderr.isTTY === true && !process.env.CI;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** One overall line on stderr for blob downloads, redrawn at most every 100 ms. */
export class DownloadBar {
  private readonly blobs = new Map<string, DownloadProgress>();
  private last = 0;

  /** Registers every blob up front, so the totals are right from the first redraw. */
  expect(blobs: { digest: string; size?: number }[]): void {
    for (const b of blobs) if (!this.blobs.has(b.digest)) this.blobs.set(b.digest, { digest: b.digest, received: 0, total: b.size, done: false });
  }

  update = (event: DownloadProgress): void => {
    this.blobs.set(event.digest, event);
    const now = Date.now();
    if (now - this.last < 100 && !event.done) return;
    this.last = now;
    let received = 0;
    let total = 0;
    let done = 0;
    for (const blob of this.blobs.values()) {
      received += blob.received;
      total += blob.total ?? blob.received;
      if (blob.done) done++;
    }
    process.stderr.write(`\r\x1b[KDownloading layers: ${done}/${this.blobs.size} done, ${megabytes(received)}/${megabytes(total)} MB`);
  };

  finish(): void {
    if (this.blobs.size > 0) process.stderr.write('\r\x1b[K');
  }
}

/**
 * The database's messages on stderr: progress redrawn in place on a terminal only, notices
 * (waiting on another update's lock) wherever stderr goes; nothing with --quiet.
 */
export function dbMessages(quiet: boolean | undefined): DbMessages | undefined {
  if (quiet) return undefined;
  const live = process.stderr.isTTY === true;
  let transient = false;
  const clear = (): void => {
    if (transient) process.stderr.write('\r\x1b[K');
    transient = false;
  };
  return {
    progress: (text) => {
      if (!live) return;
      if (!text) return clear();
      process.stderr.write(`\r\x1b[K${text}`);
      transient = true;
    },
    line: (text) => {
      if (!live) return;
      clear();
      process.stderr.write(`${text}\n`);
    },
    notice: (text) => {
      clear();
      process.stderr.write(`plimsoll: ${text}\n`);
    },
  };
}
