// Delivers finding events to the configured webhooks: `json` posts `{ "events": [...] }`, `slack`
// posts Slack's incoming-webhook body `{ "text": ... }`. Delivery is best effort: one attempt with a
// timeout, a failure logged, never blocking the job for longer than the timeout.
import { errorMessage } from '../errors.js';
import type { FindingEvent } from './store.js';

export interface WebhookTarget {
  url: string;
  format: 'json' | 'slack';
}

const TIMEOUT_MS = 10_000;
/** Lines a Slack message lists before it says how many more there are. */
const SLACK_LINES = 20;

function describe(e: FindingEvent): string {
  const v = e.vulnerability;
  const kev = v.kev ? ', known exploited (CISA KEV)' : '';
  const fix = e.kind === 'appeared' && v.fixedVersion ? `, fixed in ${v.fixedVersion}` : '';
  return `${e.kind === 'appeared' ? 'NEW' : 'RESOLVED'} ${v.id} (${v.severity}${kev}) in ${v.packageName} ${v.installedVersion}${fix}: ${e.image.ref} [${e.project}]`;
}

export function slackMessage(events: readonly FindingEvent[]): { text: string } {
  const appeared = events.filter((e) => e.kind === 'appeared').length;
  const head = `Plimsoll: ${appeared} new and ${events.length - appeared} resolved vulnerabilit${events.length === 1 ? 'y' : 'ies'} after re-evaluation`;
  const lines = events.slice(0, SLACK_LINES).map((e) => `• ${describe(e)}`);
  const more = events.length > SLACK_LINES ? [`…and ${events.length - SLACK_LINES} more`] : [];
  return { text: [head, ...lines, ...more].join('\n') };
}

export function webhookNotifier(targets: readonly WebhookTarget[], log: (message: string) => void): (events: FindingEvent[]) => Promise<void> {
  return async (events) => {
    if (events.length === 0) return;
    await Promise.all(
      targets.map(async (target) => {
        const body = target.format === 'slack' ? slackMessage(events) : { events };
        try {
          const response = await fetch(target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'plimsoll' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          await response.body?.cancel();
          if (!response.ok) log(`webhook ${target.url}: HTTP ${response.status}`);
        } catch (err) {
          log(`webhook ${target.url}: ${errorMessage(err)}`);
        }
      }),
    );
  };
}
