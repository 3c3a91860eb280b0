import type { GraphQLError } from 'graphql';

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

/**
 * Who waits for the next item: a promise's settling functions (`next()`), or a receiver that is
 * called at once (`nextTo()`).
 */
export interface ItemReceiver<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

/**
 * A queue between the process's one notification listener and one subscriber: an async iterator,
 * or, while live, a receiver called with each item (`nextTo`). The subscription asks for its next
 * item only once the previous one was written to the socket, so a slow reader shows up here as a
 * growing queue, which is bounded.
 */
export abstract class LiveQueue<T> implements AsyncIterableIterator<T> {
  protected queue: T[] = [];
  protected waiter: ItemReceiver<T> | null = null;
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

  /**
   * A plain function, not an async one, while the items are live: a subscriber waiting for its
   * next item holds one promise here, not a suspended frame and its promise as well. With 10,000
   * subscribers, every object each one holds is marked again by every full garbage collection.
   */
  next(): Promise<IteratorResult<T>> {
    if (!this.failure && !this.ended && this.hasEarlierItems()) return this.nextAfterEarlierItems();
    try {
      return this.nextLive();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Hands the next live item to `receiver` when it comes, in the hub's own turn, instead of
   * settling a promise: under fan-out a promise per item and subscriber, with its reaction, was
   * the largest share of what outlived young collections. `receiver` is called once (with the
   * item, the end, or the error), then must ask again. False, and nothing registered, when the next
   * item is not simply live: one is queued, a replay is on, or the queue ended or failed; `next()`
   * then.
   */
  nextTo(receiver: ItemReceiver<T>): boolean {
    if (this.failure || this.ended || this.waiter || this.queue.length > 0 || this.hasEarlierItems()) return false;
    this.waiter = receiver;
    return true;
  }

  /** The failure, the end, a queued item, or a promise of the next live one. */
  private nextLive(): Promise<IteratorResult<T>> {
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      this.end();
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    if (this.queue.length > 0) return Promise.resolve(this.deliver(this.queue.shift()!));
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private async nextAfterEarlierItems(): Promise<IteratorResult<T>> {
    let ready: { item: T } | null;
    try {
      ready = await this.nextReady();
    } catch (error) {
      this.end();
      throw error;
    }
    // Ended or failed while reading, the reading done, or no item yet: as when live.
    if (ready && !this.failure && !this.ended) return this.deliver(ready.item);
    return this.nextLive();
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

  /** Whether items that come before the live queue (a replay) may still be read: nextReady is asked only then. */
  protected hasEarlierItems(): boolean {
    return false;
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
