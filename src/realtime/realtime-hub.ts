import { Client, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import type { Logger } from '../app/logger';
import { notFound } from '../app/errors';
import { toGlobalId } from '../relay/global-id';
import { EVENT_COLUMNS, filterConditions } from '../timeline/timeline.service';
import { toTimelineEvent, type TimelineEvent, type TimelineEventRow, type TimelineFilter } from '../timeline/timeline-event.types';
import { CustomerChange } from './customer-change.types';
import { changeFeedInterrupted } from './errors';
import {
  CUSTOMER_CHANNEL,
  CustomerChangeKind,
  TIMELINE_CHANNEL,
  parseCustomerPayload,
  parseTimelinePayload,
  type CustomerChangeMessage,
  type EventEntry,
} from './notifications';
import {
  CustomerChangeSubscription,
  TimelineSubscription,
  type SubscriptionHooks,
  type SubscriptionLimits,
  type SubscriptionNote,
  type TimelineSubscriptionSpec,
} from './subscriptions';

export interface RealtimeHubOptions {
  db: DataSource;
  /** Where the LISTEN connection goes: the same database as `db`. */
  connectionString: string;
  log: Logger;
  limits: SubscriptionLimits;
}

/** Subscribers of one kind, by the live customer they follow, plus those that follow everyone. */
class SubscriberIndex<S extends { liveKey: string | null }> {
  readonly everyone = new Set<S>();
  readonly byCustomer = new Map<string, Set<S>>();

  get size(): number {
    let size = this.everyone.size;
    for (const set of this.byCustomer.values()) size += set.size;
    return size;
  }

  add(subscriber: S): void {
    if (subscriber.liveKey == null) return void this.everyone.add(subscriber);
    const set = this.byCustomer.get(subscriber.liveKey);
    if (set) set.add(subscriber);
    else this.byCustomer.set(subscriber.liveKey, new Set([subscriber]));
  }

  delete(subscriber: S): void {
    if (subscriber.liveKey == null) return void this.everyone.delete(subscriber);
    const set = this.byCustomer.get(subscriber.liveKey);
    set?.delete(subscriber);
    if (set?.size === 0) this.byCustomer.delete(subscriber.liveKey);
  }

  /** Subscribers of this customer, then those of everyone. */
  *matching(customerKey: string): Iterable<S> {
    const set = this.byCustomer.get(customerKey);
    if (set) yield* [...set];
    if (this.everyone.size) yield* [...this.everyone];
  }

  /** Moves the subscribers following `from` to `to`. */
  follow(from: string, to: string): void {
    const moving = this.byCustomer.get(from);
    if (!moving || from === to) return;
    this.byCustomer.delete(from);
    for (const subscriber of moving) {
      subscriber.liveKey = to;
      this.add(subscriber);
    }
  }

  all(): S[] {
    return [...this.everyone, ...[...this.byCustomer.values()].flatMap((set) => [...set])];
  }
}

type Work = { notification: Notification } | { task: () => Promise<void> };

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 10_000;
const CATCH_UP_PAGE = 1000;
/** Notification payload bytes one delivery round takes at most (about 1000 events at ~60 bytes each). */
const ROUND_PAYLOAD_BYTES = 64_000;

/**
 * The one LISTEN connection of this server process and its fan-out to the process's subscribers.
 *
 * Notifications, registrations and catch-ups are worked off one at a time, in arrival order, so
 * every subscriber sees events in commit order and merges take effect exactly between the events
 * committed before and after them. A batch of notifications costs one query for its events.
 * When the connection drops it reconnects with backoff and reads the events it missed from the
 * database (they have stream positions); customer changes have none, so customerChanged
 * subscribers are told to re-read instead.
 */
export class RealtimeHub {
  private readonly timeline = new SubscriberIndex<TimelineSubscription>();
  private readonly changes = new SubscriberIndex<CustomerChangeSubscription>();
  private listener: Client | null = null;
  private readonly work: Work[] = [];
  private working: Promise<void> | null = null;
  /** Stream position up to which events have been handed to subscribers. */
  private position = 0n;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Numbers the delivery rounds (a batch of notifications, a page of catch-up). */
  private round = 0;
  private failedAttempts = 0;
  /** Notifications were missed; a catch-up from the database is pending. */
  private recovering = false;

  /** Counters since start, for logs, tests and benchmarks. */
  readonly stats = {
    /** Subscriptions started with a cursor. */
    replays: 0,
    /** Replays that outran their held live events and went back to the database for more. */
    replaysContinued: 0,
    /** Subscriptions ended because their client did not keep up. */
    endedTooSlow: 0,
    /** Times the LISTEN connection was lost. */
    listenerLost: 0,
  };

  constructor(private readonly options: RealtimeHubOptions) {}

  get limits(): SubscriptionLimits {
    return this.options.limits;
  }

  /** Subscriptions this process serves now. */
  get subscriberCount(): number {
    return this.timeline.size + this.changes.size;
  }

  get isListening(): boolean {
    return this.listener != null;
  }

  async start(): Promise<void> {
    await this.connect();
    const [{ position }] = await this.options.db.query(`SELECT coalesce(max(stream_position), 0)::text AS position FROM timeline_event`);
    if (BigInt(position) > this.position) this.position = BigInt(position);
  }

  /** Ends every subscription and the LISTEN connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    for (const subscriber of [...this.timeline.all(), ...this.changes.all()]) await subscriber.return();
    await this.working;
    await listener?.end().catch(() => undefined);
  }

  /**
   * Registers a timeline subscription; live events reach it from the moment this resolves, and
   * its replay (when `after` is given) reads the database afterwards. NOT_FOUND for an unknown customer.
   */
  async subscribeTimeline(spec: TimelineSubscriptionSpec, hooks: SubscriptionHooks = {}): Promise<TimelineSubscription> {
    let subscription!: TimelineSubscription;
    const onEnd = () => {
      hooks.onEnd?.();
      this.timeline.delete(subscription);
    };
    if (spec.after != null) this.stats.replays++;
    subscription = new TimelineSubscription(spec, this.limits, { ...hooks, onEnd, onNote: (note) => this.note(note) }, (position, liveKey, filter, limit) =>
      this.eventsAfter(position, liveKey, filter, limit),
    );
    await this.run(async () => {
      subscription.liveKey = spec.requestedKey ? await this.liveKeyOf(spec.requestedKey) : null;
      if (!subscription.isEnded) this.timeline.add(subscription);
    });
    return subscription;
  }

  /** Registers a customerChanged subscription; NOT_FOUND for an unknown customer. */
  async subscribeCustomerChanges(requestedKey: string | null, hooks: SubscriptionHooks = {}): Promise<CustomerChangeSubscription> {
    let subscription!: CustomerChangeSubscription;
    const onEnd = () => {
      hooks.onEnd?.();
      this.changes.delete(subscription);
    };
    subscription = new CustomerChangeSubscription(requestedKey, this.limits, { ...hooks, onEnd, onNote: (note) => this.note(note) });
    await this.run(async () => {
      subscription.liveKey = requestedKey ? await this.liveKeyOf(requestedKey) : null;
      if (!subscription.isEnded) this.changes.add(subscription);
    });
    return subscription;
  }

  /** The highest stream position handed out so far (committed or not). */
  async newestStreamPosition(): Promise<bigint> {
    const [row] = await this.options.db.query(`SELECT last_value::text AS newest, is_called FROM timeline_event_stream_position`);
    return row.is_called ? BigInt(row.newest) : BigInt(row.newest) - 1n;
  }

  /** Committed events after a stream position, in stream order: the replay of a resumed subscription. */
  async eventsAfter(position: bigint, liveKey: string | null, filter: TimelineFilter | null, limit: number): Promise<TimelineEvent[]> {
    const params: unknown[] = [position.toString()];
    const conditions = ['e.stream_position > $1'];
    if (liveKey) {
      params.push(liveKey);
      conditions.push(`e.customer_id = $${params.length}`);
    }
    conditions.push(...filterConditions(filter, params));
    params.push(limit);
    const rows: TimelineEventRow[] = await this.options.db.query(
      `SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE ${conditions.join(' AND ')} ORDER BY e.stream_position LIMIT $${params.length}`,
      params,
    );
    return rows.map(toTimelineEvent);
  }

  private note(note: SubscriptionNote): void {
    if (note === 'too-slow') this.stats.endedTooSlow++;
    else if (note === 'replay-continued') this.stats.replaysContinued++;
  }

  /** The live customer a key names now (its survivor when merged away); NOT_FOUND when none has it. */
  private async liveKeyOf(key: string): Promise<string> {
    const [row] = await this.options.db.query(`SELECT coalesce(merged_into, id) AS live FROM customer WHERE id = $1`, [key]);
    if (!row) throw notFound('No customer has this id.');
    return row.live;
  }

  // --- the LISTEN connection -------------------------------------------------------------------

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'customer-timeline-listener', keepAlive: true });
    client.on('notification', (notification) => this.enqueue({ notification }));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${TIMELINE_CHANNEL}`);
      await client.query(`LISTEN ${CUSTOMER_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }

  private lost(client: Client, error: Error | null): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.stats.listenerLost++;
    this.options.log.warn({ err: error ?? undefined }, 'realtime: lost the LISTEN connection; reconnecting');
    this.interrupted();
    this.scheduleReconnect();
  }

  /**
   * Notifications were or will be missed (no LISTEN connection, or a batch that could not be
   * loaded). Until a catch-up from the database succeeds, timeline notifications are left to it
   * (the position stays where it was); changes cannot be caught up, so their subscribers are told.
   */
  private interrupted(): void {
    this.recovering = true;
    for (const subscriber of this.changes.all()) subscriber.fail(changeFeedInterrupted());
  }

  /** Reads what was missed from the database, trying again with backoff until it succeeds. */
  private recover(attempt = 0): void {
    this.enqueue({
      task: async () => {
        try {
          // Merges made meanwhile went unannounced: look up where every subscriber belongs now.
          await this.refollow([...this.timeline.all(), ...this.changes.all()]);
          await this.catchUp();
          this.recovering = false;
        } catch (error) {
          if (this.stopped) return;
          this.options.log.warn({ err: error, attempt }, 'realtime: catching up from the database failed; trying again');
          setTimeout(() => this.recover(attempt + 1), Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt)).unref();
        }
      },
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failedAttempts);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      try {
        await this.connect();
        this.failedAttempts = 0;
        this.options.log.info('realtime: LISTEN connection restored; catching up from the database');
        // Events committed while the connection was down have positions after ours: read them.
        this.recover();
      } catch (error) {
        this.failedAttempts++;
        this.options.log.warn({ err: error, attempt: this.failedAttempts }, 'realtime: reconnecting failed; trying again');
        this.scheduleReconnect();
      }
    }, delay);
  }

  private async catchUp(): Promise<void> {
    if (this.timeline.size === 0) {
      // Nobody to catch up for: just move on to the newest position.
      const [{ position }] = await this.options.db.query(`SELECT coalesce(max(stream_position), 0)::text AS position FROM timeline_event`);
      if (BigInt(position) > this.position) this.position = BigInt(position);
      return;
    }
    for (;;) {
      const events = await this.eventsAfter(this.position, null, null, CATCH_UP_PAGE);
      this.round++;
      for (const event of events) this.dispatchEvent(event, event.customerKey);
      if (events.length < CATCH_UP_PAGE) return;
    }
  }

  // --- working off notifications in order ------------------------------------------------------

  /** Runs `task` in turn with the notifications, so that it sees the subscriber index as they leave it. */
  private run(task: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueue({
        task: () => task().then(resolve, (error) => {
          reject(error);
        }),
      });
    });
  }

  private enqueue(work: Work): void {
    this.work.push(work);
    if (!this.working) {
      this.working = this.workOff().finally(() => {
        this.working = null;
      });
    }
  }

  private async workOff(): Promise<void> {
    while (this.work.length > 0) {
      const first = this.work[0];
      try {
        if ('task' in first) {
          this.work.shift();
          await first.task();
        } else {
          // The notifications waiting now make one round, up to about a thousand events: one
          // query loads their events.
          let take = 0;
          let events = 0;
          while (take < this.work.length && 'notification' in this.work[take] && (take === 0 || events < ROUND_PAYLOAD_BYTES)) {
            events += (this.work[take] as { notification: Notification }).notification.payload?.length ?? 0;
            take++;
          }
          const batch = this.work.splice(0, take) as { notification: Notification }[];
          this.round++;
          await this.processNotifications(batch.map((w) => w.notification));
        }
      } catch (error) {
        this.options.log.error({ err: error }, 'realtime: could not deliver notifications; catching up from the database');
        if (!this.recovering && !this.stopped) {
          this.interrupted();
          this.recover();
        }
      }
    }
  }

  private async processNotifications(notifications: Notification[]): Promise<void> {
    // While recovering, the catch-up reads these events from the database.
    if (this.recovering) return;
    type Item = { events: EventEntry[] } | { changes: CustomerChangeMessage[] };
    const items: Item[] = [];
    for (const notification of notifications) {
      if (notification.channel === TIMELINE_CHANNEL) {
        const parsed = notification.payload ? parseTimelinePayload(notification.payload) : null;
        if (parsed) items.push({ events: parsed.events });
        else this.options.log.warn({ channel: notification.channel }, 'realtime: unreadable notification ignored');
      } else if (notification.channel === CUSTOMER_CHANNEL) {
        items.push({ changes: notification.payload ? parseCustomerPayload(notification.payload) : [] });
      }
    }

    // Load the events someone may want, all in one query. A merge in the batch can make any
    // customer's events wanted, so then load them all.
    const remaps = items.some((item) => 'changes' in item && item.changes.some((c) => c.kind === CustomerChangeKind.MERGED || c.kind === CustomerChangeKind.UNMERGED));
    const wanted = (entry: EventEntry) =>
      BigInt(entry[0]) > this.position && (remaps || this.timeline.everyone.size > 0 || this.timeline.byCustomer.has(entry[2]));
    const keys = items.flatMap((item) => ('events' in item ? item.events.filter(wanted).map((entry) => entry[1]) : []));
    const loaded = new Map<string, TimelineEvent>();
    if (keys.length > 0) {
      const rows: TimelineEventRow[] = await this.options.db.query(`SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE e.id = ANY($1::bigint[])`, [keys]);
      for (const row of rows) loaded.set(row.id, toTimelineEvent(row));
    }

    for (const item of items) {
      if ('events' in item) {
        for (const [position, eventKey, customerKey] of item.events) {
          if (BigInt(position) <= this.position) continue;
          const event = loaded.get(eventKey);
          if (event) this.dispatchEvent(event, customerKey);
          else this.position = BigInt(position);
        }
      } else {
        for (const change of item.changes) await this.dispatchChange(change);
      }
    }
  }

  private dispatchEvent(event: TimelineEvent, customerKey: string): void {
    const position = BigInt(event.streamPosition);
    if (position <= this.position) return;
    this.position = position;
    for (const subscriber of this.timeline.matching(customerKey)) subscriber.offer(event, this.round);
  }

  private async dispatchChange(message: CustomerChangeMessage): Promise<void> {
    const change = Object.assign(new CustomerChange(), {
      kind: message.kind,
      customerKey: message.customerKey,
      survivorKey: message.survivorKey ?? null,
      mergedKey: message.mergedKey ?? null,
      customerId: toGlobalId('Customer', message.customerKey),
      survivorId: message.survivorKey ? toGlobalId('Customer', message.survivorKey) : null,
      mergedId: message.mergedKey ? toGlobalId('Customer', message.mergedKey) : null,
      occurredAt: new Date(message.occurredAt),
    });
    // Subscribers follow merges. An unmerge first sends those that came through the restored
    // customer back to it, so they hear of their own unmerge; a merge tells the merged customer's
    // subscribers before they move on to the survivor.
    const about = message.customerKey === message.mergedKey;
    if (message.kind === CustomerChangeKind.UNMERGED && about && message.survivorKey) {
      await this.refollow([...(this.timeline.byCustomer.get(message.survivorKey) ?? []), ...(this.changes.byCustomer.get(message.survivorKey) ?? [])]);
    }
    for (const subscriber of this.changes.matching(message.customerKey)) subscriber.offer(change, this.round);
    if (message.kind === CustomerChangeKind.MERGED && about && message.mergedKey && message.survivorKey) {
      this.timeline.follow(message.mergedKey, message.survivorKey);
      this.changes.follow(message.mergedKey, message.survivorKey);
    }
  }

  /** Looks up again which live customer each of these subscribers follows. */
  private async refollow(subscribers: (TimelineSubscription | CustomerChangeSubscription)[]): Promise<void> {
    const requested = [
      ...new Set(subscribers.map((s) => (s instanceof TimelineSubscription ? s.spec.requestedKey : s.requestedKey)).filter((k): k is string => k != null)),
    ];
    if (requested.length === 0) return;
    const rows: { id: string; live: string }[] = await this.options.db.query(
      `SELECT id, coalesce(merged_into, id) AS live FROM customer WHERE id = ANY($1::uuid[])`,
      [requested],
    );
    const live = new Map(rows.map((row) => [row.id, row.live]));
    for (const subscriber of subscribers) {
      const requestedKey = subscriber instanceof TimelineSubscription ? subscriber.spec.requestedKey : subscriber.requestedKey;
      const now = requestedKey ? live.get(requestedKey) : undefined;
      if (!now || now === subscriber.liveKey) continue;
      if (subscriber instanceof TimelineSubscription) {
        this.timeline.delete(subscriber);
        subscriber.liveKey = now;
        this.timeline.add(subscriber);
      } else {
        this.changes.delete(subscriber);
        subscriber.liveKey = now;
        this.changes.add(subscriber);
      }
    }
  }
}
