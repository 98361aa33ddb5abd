// WWW-Authenticate parsing and retry delays. The headers are hand-copied from
// docker's token-authentication specification and from registries' real answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges, pickChallenge } from '../../../src/image/registry/challenge.js';
import { RETRY, retryDelay } from '../../../src/image/registry/http.js';

describe('parseChallenges', () => {
  it('reads a Bearer challenge whose scope holds a comma inside quotes', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
    assert.deepEqual(parseChallenges(header), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } },
    ]);
  });

  it('reads Basic, escaped quotes, bare values, and several challenges and headers', () => {
    const challenges = parseChallenges(['Basic realm="Registry \\"Realm\\""', 'Negotiate, Bearer realm=https://ghcr.io/token , service=ghcr.io']);
    assert.deepEqual(challenges, [
      { scheme: 'basic', params: { realm: 'Registry "Realm"' } },
      { scheme: 'negotiate', params: {} },
      { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io' } },
    ]);
    assert.equal(pickChallenge(challenges)?.scheme, 'bearer');
    assert.equal(pickChallenge(parseChallenges('Negotiate')), undefined);
    assert.deepEqual(parseChallenges(undefined), []);
  });
});

describe('retryDelay', () => {
  it('honours Retry-After in seconds or as a date, within bounds', () => {
    assert.equal(retryDelay(1, '2'), 2000);
    assert.equal(retryDelay(1, '3600'), RETRY.maxRetryAfterMs);
    const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
    const ms = retryDelay(1, inFiveSeconds);
    assert.ok(ms > 3000 && ms <= 5000, String(ms));
    assert.equal(retryDelay(1, new Date(Date.now() - 60_000).toUTCString()), 0);
  });

  it('backs off exponentially, capped', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const full = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
      const ms = retryDelay(attempt);
      assert.ok(ms >= full * 0.75 && ms <= full, `attempt ${attempt}: ${ms}`);
    }
  });
});
