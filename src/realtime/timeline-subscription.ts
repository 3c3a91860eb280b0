import type { GraphQLError } from 'graphql';
import { encodeStreamCursor } from '../changefeed/stream-cursor';
import type { PositionedEvent } from '../timeline/timeline-event.types';
import { matchesTimelineFilter, type TimelineFilter } from '../timeline/timeline-filter';
import { timelineSubscriberTooSlow } from './errors';
import { LiveQueue, type SubscriptionHooks, type SubscriptionLimits } from './live-queue';

export interface TimelineSubscriptionSpec {
  /** The customer asked for (a merged-away key follows its survivor); null for every customer. */
  requestedKey: string | null;
  filter: TimelineFilter | null;
  /** Stream position to replay after; null to start live. */
  after: bigint | null;
  /** Whether its document may ask for each event's case, which the hub then reads with the events. */
  asksForCase?: boolean;
}

/** Reads committed events after a stream position, for replays. */
export type EventsAfter = (position: bigint, liveKey: string | null, filter: TimelineFilter | null, limit: number) => Promise<PositionedEvent[]>;

/**
 * `timelineEventAdded`: optionally a replay from the database after a cursor, then live events.
 * Live events are registered before the replay starts and held meanwhile, so nothing committed
 * during the replay falls in between; positions already sent are skipped, so nothing repeats.
 */
export class TimelineSubscription extends LiveQueue<PositionedEvent> {
  /** The live customer the subscription follows now; the hub updates it on merges. */
  liveKey: string | null = null;
  private phase: 'replay' | 'live';
  /** Live events held during the replay; null when too many came and the replay must go on reading instead. */
  private held: PositionedEvent[] | null = [];
  private heldOverflowed = false;
  private page: PositionedEvent[] = [];
  private pageWasLast = false;
  /** Position of the last event handed out (or the cursor resumed from). */
  private lastSent: bigint | null;
  /** Position of the last event handed out or queued: live duplicates at or below it are skipped. */
  private lastAccepted: bigint | null;

  constructor(
    readonly spec: TimelineSubscriptionSpec,
    limits: SubscriptionLimits,
    hooks: SubscriptionHooks,
    private readonly eventsAfter: EventsAfter,
  ) {
    super(limits, hooks);
    this.phase = spec.after == null ? 'live' : 'replay';
    this.lastSent = spec.after;
    this.lastAccepted = spec.after;
    if (this.phase === 'live') this.held = null;
  }

  /** Called by the hub, in commit order, with every committed event of this subscription's customer (or all). */
  offer(event: PositionedEvent, round: number): void {
    if (this.isEnded || this.failure || !matchesTimelineFilter(event, this.spec.filter)) return;
    if (this.phase === 'replay') {
      if (this.held) {
        this.held.push(event);
        if (this.held.length > this.limits.maxQueued) {
          // The replay reads these from the database anyway; stop holding them.
          this.held = null;
          this.heldOverflowed = true;
        }
      }
      return;
    }
    const position = BigInt(event.streamPosition);
    if (this.lastAccepted != null && position <= this.lastAccepted) return;
    this.lastAccepted = position;
    this.push(event, round);
  }

  protected override hasEarlierItems(): boolean {
    return this.phase === 'replay';
  }

  protected override async nextReady(): Promise<{ item: PositionedEvent } | null> {
    while (this.phase === 'replay' && !this.isEnded) {
      const event = this.page.shift();
      if (event) {
        const position = BigInt(event.streamPosition);
        if (this.lastSent != null && position <= this.lastSent) continue;
        return { item: event };
      }
      if (this.pageWasLast) {
        if (this.heldOverflowed) {
          // Events were let go while replaying: hold anew from here and read the database again,
          // which by now has every event that was let go.
          this.heldOverflowed = false;
          this.held = [];
          this.hooks.onNote?.('replay-continued');
        } else {
          this.goLive();
          break;
        }
      }
      this.page = await this.eventsAfter(this.lastSent ?? 0n, this.liveKey, this.spec.filter, this.limits.replayPageSize);
      this.pageWasLast = this.page.length < this.limits.replayPageSize;
    }
    return null;
  }

  protected override beforeDeliver(event: PositionedEvent): void {
    const position = BigInt(event.streamPosition);
    this.lastSent = position;
    if (this.lastAccepted == null || position > this.lastAccepted) this.lastAccepted = position;
  }

  protected override tooSlow(dropped: PositionedEvent): GraphQLError {
    // Resume after the last event handed out; when none was, just before the first one dropped.
    const resumeFrom = this.lastSent ?? BigInt(this.queue[0]?.streamPosition ?? dropped.streamPosition) - 1n;
    return timelineSubscriberTooSlow(this.limits, encodeStreamCursor(resumeFrom));
  }

  private goLive(): void {
    const held = this.held ?? [];
    this.held = null;
    this.phase = 'live';
    for (const event of held) {
      const position = BigInt(event.streamPosition);
      if (this.lastAccepted != null && position <= this.lastAccepted) continue;
      this.lastAccepted = position;
      this.queue.push(event);
    }
  }
}
