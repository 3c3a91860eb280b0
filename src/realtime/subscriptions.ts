import type { GraphQLError } from 'graphql';
import type { TimelineEvent, TimelineFilter } from '../timeline/timeline-event.types';
import { changeSubscriberTooSlow, timelineSubscriberTooSlow } from './errors';
import type { CustomerChange } from './customer-change.types';
import { encodeStreamCursor } from './stream-cursor';

/** How much a process holds for one subscriber before it gives up on it. */
export interface SubscriptionLimits {
  /**
   * Items a subscriber may leave waiting: when new items arrive while this many from earlier
   * deliveries still wait, the subscription ends. (Items arriving together, e.g. one recordEvents
   * batch, are taken in whole, so a healthy subscriber is never ended by a burst.)
   */
  maxQueued: number;
  /** Bytes its WebSocket may hold unsent before a new item ends the subscription. */
  maxBufferedBytes: number;
  /** Events per query when replaying from a cursor. */
  replayPageSize: number;
}

export interface SubscriptionHooks {
  /** Called before each item is handed out, e.g. to give its execution fresh DataLoaders. */
  onDeliver?: () => void;
  /** Bytes the subscriber's socket holds unsent. */
  unsentBytes?: () => number;
  /** Called once when the subscription ends for whatever reason. */
  onEnd?: () => void;
  /** Told of the rarer turns a subscription takes, for the process's counters. */
  onNote?: (note: SubscriptionNote) => void;
}

export type SubscriptionNote = 'replay-continued' | 'too-slow';

type Waiter<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

/**
 * A queue between the process's one notification listener and one subscriber, as the async
 * iterator graphql-ws consumes. graphql-ws asks for the next item only after the previous one was
 * written to the socket, so a slow reader shows up here as a growing queue, which is bounded.
 */
abstract class LiveQueue<T> implements AsyncIterableIterator<T> {
  protected queue: T[] = [];
  protected waiter: Waiter<T> | null = null;
  protected failure: GraphQLError | null = null;
  private ended = false;
  private released = false;
  /** The delivery round (one batch of notifications) last pushed in, and the backlog it found. */
  private round = -1;
  private backlog = 0;

  constructor(
    protected readonly limits: SubscriptionLimits,
    protected readonly hooks: SubscriptionHooks,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        this.end();
        throw failure;
      }
      if (this.ended) return { done: true, value: undefined };
      let ready: { item: T } | null;
      try {
        ready = await this.nextReady();
      } catch (error) {
        this.end();
        throw error;
      }
      // Ended or failed while reading: start over to report that instead.
      if (this.failure || this.ended) continue;
      if (ready) return this.deliver(ready.item);
      if (this.queue.length > 0) return this.deliver(this.queue.shift()!);
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    this.end();
    throw error;
  }

  /** Ends the subscription with an error the subscriber receives next. */
  fail(error: GraphQLError): void {
    if (this.ended || this.failure) return;
    this.queue = [];
    const waiter = this.waiter;
    this.waiter = null;
    if (waiter) {
      this.end();
      waiter.reject(error);
    } else {
      this.failure = error;
      // Nobody is waiting: the hub stops feeding it now, the error goes out with the next pull.
      this.release();
    }
  }

  /**
   * Hands an item to a waiting consumer, or queues it within the bound. `round` numbers the hub's
   * deliveries: the bound applies to what was still waiting when a round began.
   */
  protected push(item: T, round: number): void {
    if (this.ended || this.failure) return;
    if (round !== this.round) {
      this.round = round;
      this.backlog = this.queue.length;
    }
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      this.beforeDeliver(item);
      this.hooks.onDeliver?.();
      waiter.resolve({ done: false, value: item });
      return;
    }
    if (this.backlog >= this.limits.maxQueued || (this.hooks.unsentBytes?.() ?? 0) > this.limits.maxBufferedBytes) {
      this.hooks.onNote?.('too-slow');
      this.fail(this.tooSlow(item));
      return;
    }
    this.queue.push(item);
  }

  /** Phase-specific source of items that come before the live queue (the replay), if any. */
  protected async nextReady(): Promise<{ item: T } | null> {
    return null;
  }

  protected beforeDeliver(_item: T): void {}

  protected abstract tooSlow(dropped: T): GraphQLError;

  private deliver(item: T): IteratorResult<T> {
    this.beforeDeliver(item);
    this.hooks.onDeliver?.();
    return { done: false, value: item };
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve({ done: true, value: undefined });
    this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.hooks.onEnd?.();
  }
}

export interface TimelineSubscriptionSpec {
  /** The customer asked for (a merged-away key follows its survivor); null for every customer. */
  requestedKey: string | null;
  filter: TimelineFilter | null;
  /** Stream position to replay after; null to start live. */
  after: bigint | null;
}

/** Reads committed events after a stream position, for replays. */
export type EventsAfter = (position: bigint, liveKey: string | null, filter: TimelineFilter | null, limit: number) => Promise<TimelineEvent[]>;

/**
 * `timelineEventAdded`: optionally a replay from the database after a cursor, then live events.
 * Live events are registered before the replay starts and held meanwhile, so nothing committed
 * during the replay falls in between; positions already sent are skipped, so nothing repeats.
 */
export class TimelineSubscription extends LiveQueue<TimelineEvent> {
  /** The live customer the subscription follows now; the hub updates it on merges. */
  liveKey: string | null = null;
  private phase: 'replay' | 'live';
  /** Live events held during the replay; null when too many came and the replay must go on reading instead. */
  private held: TimelineEvent[] | null = [];
  private heldOverflowed = false;
  private page: TimelineEvent[] = [];
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
  offer(event: TimelineEvent, round: number): void {
    if (this.isEnded || this.failure || !matchesFilter(event, this.spec.filter)) return;
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

  protected override async nextReady(): Promise<{ item: TimelineEvent } | null> {
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

  protected override beforeDeliver(event: TimelineEvent): void {
    const position = BigInt(event.streamPosition);
    this.lastSent = position;
    if (this.lastAccepted == null || position > this.lastAccepted) this.lastAccepted = position;
  }

  protected override tooSlow(dropped: TimelineEvent): GraphQLError {
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

/** `customerChanged`: live changes only; a change has no cursor to resume from. */
export class CustomerChangeSubscription extends LiveQueue<CustomerChange> {
  liveKey: string | null = null;

  constructor(
    readonly requestedKey: string | null,
    limits: SubscriptionLimits,
    hooks: SubscriptionHooks,
  ) {
    super(limits, hooks);
  }

  offer(change: CustomerChange, round: number): void {
    this.push(change, round);
  }

  protected override tooSlow(): GraphQLError {
    return changeSubscriberTooSlow(this.limits);
  }
}

export function matchesFilter(event: TimelineEvent, filter: TimelineFilter | null): boolean {
  if (!filter) return true;
  if (filter.kinds?.length && !filter.kinds.includes(event.kind)) return false;
  if (filter.channels?.length && !filter.channels.includes(event.channel)) return false;
  if (filter.since && event.occurredAt.getTime() < filter.since.getTime()) return false;
  if (filter.until && event.occurredAt.getTime() >= filter.until.getTime()) return false;
  return true;
}
