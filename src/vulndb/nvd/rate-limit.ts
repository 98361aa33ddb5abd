// NVD counts requests in a rolling window (5 per 30 s without an API key, 50 with one) and
// answers 403 past it, so requests wait for a free slot instead of being refused. Retries count
// too: they are requests to NVD like any other.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const REAL_CLOCK: Clock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

export class RateLimiter {
  /** When each request still inside the window was let through, oldest first. */
  private readonly sent: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly clock: Clock = REAL_CLOCK,
  ) {
    if (!(requests >= 1) || !(windowMs >= 0)) throw new RangeError(`bad rate limit: ${requests} requests per ${windowMs} ms`);
  }

  /** Resolves when one more request may be sent, and counts it. */
  async acquire(): Promise<void> {
    while (true) {
      const now = this.clock.now();
      while (this.sent.length > 0 && (this.sent[0] ?? 0) <= now - this.windowMs) this.sent.shift();
      if (this.sent.length < this.requests) {
        this.sent.push(now);
        return;
      }
      // A timer may fire a little early: the loop checks again rather than trusting it.
      await this.clock.sleep((this.sent[0] ?? now) + this.windowMs - now);
    }
  }
}
