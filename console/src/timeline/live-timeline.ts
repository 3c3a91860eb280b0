import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import type { VariablesOf } from '../api/graphql';
import { TimelineEventAdded, type TimelineEvent } from './timeline-queries';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Close codes after which trying again cannot help: the credential is missing, bad or revoked, or the request was refused. */
const FINAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4406, 4409, 4429]);

/**
 * Follows one customer's timeline over WebSocket (`timelineEventAdded`). After a dropped
 * connection it reconnects with backoff and resumes from the `streamCursor` of the last event it
 * delivered, so nothing committed meanwhile is lost or repeated. Returns the function that stops it.
 */
export function followTimeline(options: {
  apiKey: string;
  customerId: string;
  filter: VariablesOf<typeof TimelineEventAdded>['filter'];
  /** Where to start: the stream cursor of the newest event the page already shows, if any. */
  after: string | null;
  onEvent(event: TimelineEvent): void;
  onStatus(status: LiveStatus, detail?: string): void;
}): () => void {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  let stopped = false;
  const client = createClient({
    url: url.href,
    connectionParams: { authorization: `Bearer ${options.apiKey}` },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: (closed) => !stopped && !(isCloseEvent(closed) && FINAL_CLOSE_CODES.has(closed.code)),
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2))),
    on: {
      connected: () => options.onStatus('live'),
      closed: () => {
        if (!stopped) options.onStatus('reconnecting');
      },
    },
  });

  // graphql-ws sends this same payload again when it reconnects: keeping `after` at the last
  // delivered event makes every resubscription resume exactly there.
  const variables = { customerId: options.customerId, filter: options.filter, after: options.after };
  const payload = { query: print(TimelineEventAdded), variables };

  const subscribe = () =>
    client.subscribe<{ timelineEventAdded: TimelineEvent }>(payload, {
      next: (message) => {
        const event = message.data?.timelineEventAdded;
        if (!event) return;
        variables.after = event.streamCursor;
        options.onEvent(event);
      },
      error: (error) => {
        if (stopped) return;
        // A subscriber that fell behind is ended with the cursor to resume from.
        const resumeAfter = Array.isArray(error) ? error.map((e) => e.extensions?.resumeAfter).find((c) => typeof c === 'string') : undefined;
        if (typeof resumeAfter === 'string') {
          variables.after = resumeAfter;
          unsubscribe = subscribe();
          return;
        }
        const detail = isCloseEvent(error) ? error.reason || `closed (${error.code})` : Array.isArray(error) ? error.map((e) => e.message).join('; ') : String(error);
        options.onStatus('stopped', detail);
      },
      complete: () => undefined,
    });

  options.onStatus('connecting');
  let unsubscribe = subscribe();
  return () => {
    stopped = true;
    unsubscribe();
    void client.dispose();
  };
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === 'object' && value !== null && 'code' in value && typeof (value as CloseEvent).code === 'number';
}
