// `--timeout DURATION` (Trivy's spelling: `5m`, `30s`, `1h30m`, `500ms`): the whole command's
// deadline. Past it the command stops with one line and exit 2, whatever it is waiting on, and each
// registry or feed request is given up on sooner than its default idle time (net/idle-timeout.ts).
import { InputError } from '../errors.js';
import { idleTimeoutWithin } from '../net/idle-timeout.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag = '--timeout'): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNITS[unit as string] ?? 0), 0);
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim() || ms <= 0) {
    throw new InputError(`${flag}: not a duration: "${text}" (e.g. 30s, 5m, 1h30m)`);
  }
  return ms;
}

/** Starts the deadline; it does not keep the process alive once the work is done. */
export function armDeadline(text: string): void {
  const ms = parseDuration(text);
  idleTimeoutWithin(ms);
  setTimeout(() => {
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}plimsoll: timed out after ${text.trim()} (--timeout); raise it, e.g. --timeout 30m\n`);
    process.exit(2);
  }, ms).unref();
}
