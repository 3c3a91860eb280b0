import 'reflect-metadata';
import { SUBSCRIPTION_DEFAULTS } from '../src/core/config';
import { MAX_EVENTS_PER_BATCH } from '../src/ingest/event-recorder.service';
import { TimelineSubscription } from '../src/realtime/timeline-subscription';
import type { PositionedEvent } from '../src/timeline/timeline-event.types';

// The bound as shipped, on the hub's side of a subscriber following every customer: deliveries
// arrive in rounds (one per burst of notifications), and the client has not read any of them yet.
function firehose(): { subscription: TimelineSubscription; deliverRound: () => void } {
  const subscription = new TimelineSubscription(
    { requestedKey: null, filter: null, after: null },
    { maxQueued: SUBSCRIPTION_DEFAULTS.maxQueued, maxBufferedBytes: SUBSCRIPTION_DEFAULTS.maxBufferedBytes, replayPageSize: SUBSCRIPTION_DEFAULTS.replayPageSize },
    {},
    async () => [],
  );
  let position = 0;
  let round = 0;
  const deliverRound = () => {
    round++;
    for (let i = 0; i < MAX_EVENTS_PER_BATCH; i++) {
      position++;
      subscription.offer({ streamPosition: String(position), kind: 'CALL', channel: 'PHONE', occurredAt: new Date() } as unknown as PositionedEvent, round);
    }
  };
  return { subscription, deliverRound };
}

describe('a subscriber following every customer during an import', () => {
  it('is kept while several full batches from concurrent writers wait for it, and receives each of them in order', async () => {
    const { subscription, deliverRound } = firehose();
    // Four writers' batches commit back to back before the client reads the first event.
    for (let batch = 0; batch < 4; batch++) deliverRound();
    expect(subscription.isEnded).toBe(false);
    const positions: number[] = [];
    for (let i = 0; i < 4 * MAX_EVENTS_PER_BATCH; i++) {
      const next = await subscription.next();
      expect(next.done).toBe(false);
      positions.push(Number((next.value as PositionedEvent).streamPosition));
    }
    expect(positions).toEqual(Array.from({ length: 4 * MAX_EVENTS_PER_BATCH }, (_, i) => i + 1));
  });

  it('is ended as too slow, with the cursor to resume from, once ten batches wait and more arrive', async () => {
    const { subscription, deliverRound } = firehose();
    for (let batch = 0; batch <= SUBSCRIPTION_DEFAULTS.maxQueued / MAX_EVENTS_PER_BATCH; batch++) deliverRound();
    await expect(subscription.next()).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', reason: 'SUBSCRIBER_TOO_SLOW', resumeAfter: expect.any(String) } });
    expect(subscription.isEnded).toBe(true);
  });
});
