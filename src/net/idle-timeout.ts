// How long one registry or feed request may go without a byte before it fails (and, where the
// caller retries, is tried again). `--timeout` shortens it so a stalled server is retried, and then
// given up on, within the overall deadline instead of after minutes of silence.
const DEFAULT_IDLE_MS = 60_000;
let idleMs = DEFAULT_IDLE_MS;

export function requestIdleTimeout(): number {
  return idleMs;
}

/** From an overall deadline: a fifth of it (room for retries), between 5 s and the default 60 s. */
export function idleTimeoutWithin(deadlineMs: number): void {
  idleMs = Math.min(DEFAULT_IDLE_MS, Math.max(5_000, Math.floor(deadlineMs / 5)));
}
