import type { Notification } from 'pg';
import {
  CUSTOMER_CHANNEL,
  CustomerChangeKind,
  TIMELINE_CHANNEL,
  WEBHOOK_CHANNEL,
  parseCustomerPayload,
  parseWebhookPayload,
  parseTimelinePayload,
  type CustomerChangeMessage,
  type EventEntry,
} from '../changefeed/notifications';
import { notFound } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CustomerLookup } from '../customers/customer-lookup';
import { toGlobalId } from '../relay/global-id';
import { atStreamPosition, type PositionedEvent, type TimelineEvent } from '../timeline/timeline-event.types';
import type { TimelineFilter } from '../timeline/timeline-filter';
import type { TimelineService } from '../timeline/timeline.service';
import { CustomerChange } from './customer-change.types';
import { CustomerChangeSubscription } from './customer-change-subscription';
import { DeliveryQueue } from './delivery-queue';
import { changeFeedInterrupted } from './errors';
import type { SubscriptionHooks, SubscriptionLimits, SubscriptionNote } from './live-queue';
import { NotificationListener } from './notification-listener';
import { SubscriberIndex } from './subscriber-index';
import { TimelineSubscription, type TimelineSubscriptionSpec } from './timeline-subscription';
import { WebhookChange } from './webhook-change.types';
import { WebhookChangeSubscription } from './webhook-change-subscription';
import type { WebhookState } from '../webhooks/webhook.types';

export interface RealtimeHubOptions {
  /** Where the LISTEN connection goes: the same database the services use. */
  connectionString: string;
  timeline: TimelineService;
  customers: CustomerLookup;
  log: Logger;
  limits: SubscriptionLimits;
  /** Called on every notification, before it is delivered: something was committed (the webhook dispatcher looks for work). */
  onCommitted?: () => void;
}

const CATCH_UP_PAGE = 1000;
const RECOVER_BACKOFF_MIN_MS = 100;
const RECOVER_BACKOFF_MAX_MS = 2000;

/**
 * This process's subscriptions and their fan-out from its one LISTEN connection.
 *
 * When notifications may have been missed (the connection dropped, or a round's events could
 * not be loaded), timeline subscribers are caught up from the database, since every event has a
 * stream position; customer changes have none, so customerChanged subscribers are told to re-read.
 */
export class RealtimeHub {
  private readonly timelineSubscribers = new SubscriberIndex<TimelineSubscription>();
  /** Timeline subscriptions whose documents may ask for each event's case: while there are none, events are read without it. */
  private askingForCases = 0;
  private readonly changeSubscribers = new SubscriberIndex<CustomerChangeSubscription>();
  private readonly webhookSubscribers = new Set<WebhookChangeSubscription>();
  private readonly queue: DeliveryQueue;
  private readonly listener: NotificationListener;
  /** Stream position up to which events have been handed to subscribers. */
  private position = 0n;
  private stopped = false;
  /** Numbers the delivery rounds (a batch of notifications, a page of catch-up). */
  private round = 0;
  /** Notifications were missed; a catch-up from the database is pending. */
  private recovering = false;
  /** Subscriptions waiting for their turn in the queue to be registered (see register). */
  private registrations: {
    subscription: TimelineSubscription | CustomerChangeSubscription;
    requestedKey: string | null;
    add: () => void;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];

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
    /** Events read for live delivery, and how many of them with their case (only while a subscription may ask for it). */
    eventsRead: 0,
    eventsReadWithCase: 0,
  };

  constructor(private readonly options: RealtimeHubOptions) {
    this.queue = new DeliveryQueue(
      (round) => this.deliver(round),
      (error) => {
        this.options.log.error({ err: error }, 'realtime: could not deliver notifications; catching up from the database');
        if (!this.recovering && !this.stopped) {
          this.interrupted();
          this.recover();
        }
      },
    );
    this.listener = new NotificationListener({
      connectionString: options.connectionString,
      channels: [TIMELINE_CHANNEL, CUSTOMER_CHANNEL, WEBHOOK_CHANNEL],
      log: options.log,
      onNotification: (notification) => {
        // Webhook notices carry everything they say and follow no stream: straight to their subscribers.
        if (notification.channel === WEBHOOK_CHANNEL) return this.dispatchWebhookChange(notification.payload);
        this.options.onCommitted?.();
        this.queue.notify(notification);
      },
      onLost: () => {
        this.stats.listenerLost++;
        this.interrupted();
      },
      // Events committed while the connection was down have positions after ours: read them.
      onRestored: () => this.recover(),
    });
  }

  get limits(): SubscriptionLimits {
    return this.options.limits;
  }

  /** Subscriptions this process serves now. */
  get subscriberCount(): number {
    return this.timelineSubscribers.size + this.changeSubscribers.size + this.webhookSubscribers.size;
  }

  get isListening(): boolean {
    return this.listener.isListening;
  }

  async start(): Promise<void> {
    await this.listener.start();
    const newest = await this.options.timeline.newestStoredPosition();
    if (newest > this.position) this.position = newest;
  }

  /** Ends every subscription and the LISTEN connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const subscriber of [...this.timelineSubscribers.all(), ...this.changeSubscribers.all(), ...this.webhookSubscribers]) await subscriber.return();
    await this.queue.idle();
    await this.listener.stop();
  }

  /**
   * Registers a timeline subscription; live events reach it from the moment this resolves, and
   * its replay (when `after` is given) reads the database afterwards. NOT_FOUND for an unknown customer.
   */
  async subscribeTimeline(spec: TimelineSubscriptionSpec, hooks: SubscriptionHooks = {}): Promise<TimelineSubscription> {
    let subscription!: TimelineSubscription;
    const onEnd = () => {
      hooks.onEnd?.();
      if (this.timelineSubscribers.delete(subscription) && spec.asksForCase) this.askingForCases--;
    };
    if (spec.after != null) this.stats.replays++;
    subscription = new TimelineSubscription(spec, this.limits, { ...hooks, onEnd, onNote: (note) => this.note(note) }, (position, liveKey, filter, limit) =>
      this.eventsAfter(position, liveKey, filter, limit),
    );
    await this.register(subscription, spec.requestedKey, () => {
      this.timelineSubscribers.add(subscription);
      if (spec.asksForCase) this.askingForCases++;
    });
    return subscription;
  }

  /** Registers a customerChanged subscription; NOT_FOUND for an unknown customer. */
  async subscribeCustomerChanges(requestedKey: string | null, hooks: SubscriptionHooks = {}): Promise<CustomerChangeSubscription> {
    let subscription!: CustomerChangeSubscription;
    const onEnd = () => {
      hooks.onEnd?.();
      this.changeSubscribers.delete(subscription);
    };
    subscription = new CustomerChangeSubscription(requestedKey, this.limits, { ...hooks, onEnd, onNote: (note) => this.note(note) });
    await this.register(subscription, requestedKey, () => this.changeSubscribers.add(subscription));
    return subscription;
  }

  /** Registers a webhookChanged subscription (admins; checked by the resolver). */
  subscribeWebhookChanges(hooks: SubscriptionHooks = {}): WebhookChangeSubscription {
    let subscription!: WebhookChangeSubscription;
    const onEnd = () => {
      hooks.onEnd?.();
      this.webhookSubscribers.delete(subscription);
    };
    subscription = new WebhookChangeSubscription(this.limits, { ...hooks, onEnd, onNote: (note) => this.note(note) });
    this.webhookSubscribers.add(subscription);
    return subscription;
  }

  private dispatchWebhookChange(payload: string | undefined): void {
    const notice = payload ? parseWebhookPayload(payload) : null;
    if (!notice) return void this.options.log.warn({ channel: WEBHOOK_CHANNEL }, 'realtime: unreadable notification ignored');
    const change = Object.assign(new WebhookChange(), {
      webhookKey: notice.webhookKey,
      webhookId: toGlobalId('Webhook', notice.webhookKey),
      state: notice.state as WebhookState,
      reason: notice.state === 'ACTIVE' ? null : notice.reason,
      occurredAt: notice.at,
    });
    this.round++;
    for (const subscriber of this.webhookSubscribers) subscriber.offer(change, this.round);
  }

  /** The highest stream position handed out so far (committed or not). */
  newestStreamPosition(): Promise<bigint> {
    return this.options.timeline.newestIssuedPosition();
  }

  /** Committed events after a stream position, in stream order: the replay of a resumed subscription. */
  eventsAfter(position: bigint, liveKey: string | null, filter: TimelineFilter | null, limit: number): Promise<PositionedEvent[]> {
    return this.options.timeline.eventsAfter(position, liveKey, filter, limit);
  }

  private note(note: SubscriptionNote): void {
    if (note === 'too-slow') this.stats.endedTooSlow++;
    else if (note === 'replay-continued') this.stats.replaysContinued++;
  }

  /**
   * Registers a subscription in turn with the notifications, so that it gets every event
   * committed after that point, following the live customer its key names then (its survivor
   * when merged away); NOT_FOUND when no customer has the key. Registrations that wait for the
   * same turn look their customers up in one statement: a thousand consoles reconnecting after
   * a restart cost one query, not a thousand in a row.
   */
  private register(subscription: TimelineSubscription | CustomerChangeSubscription, requestedKey: string | null, add: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.registrations.push({ subscription, requestedKey, add, resolve, reject });
      if (this.registrations.length === 1) this.queue.later(() => this.registerWaiting());
    });
  }

  private async registerWaiting(): Promise<void> {
    const waiting = this.registrations;
    this.registrations = [];
    let live: Map<string, string>;
    try {
      live = await this.options.customers.liveKeys([...new Set(waiting.map((r) => r.requestedKey).filter((key): key is string => key != null))]);
    } catch (error) {
      for (const registration of waiting) registration.reject(error);
      return;
    }
    for (const { subscription, requestedKey, add, resolve, reject } of waiting) {
      const liveKey = requestedKey == null ? null : live.get(requestedKey);
      if (liveKey === undefined) {
        reject(notFound('No customer has this id.'));
        continue;
      }
      subscription.liveKey = liveKey;
      if (!subscription.isEnded) add();
      resolve();
    }
  }

  /**
   * Notifications were or will be missed. Until a catch-up from the database succeeds, timeline
   * notifications are left to it (the position stays where it was); changes cannot be caught up,
   * so their subscribers are told.
   */
  private interrupted(): void {
    this.recovering = true;
    for (const subscriber of this.changeSubscribers.all()) subscriber.fail(changeFeedInterrupted());
  }

  /** Reads what was missed from the database, trying again with backoff until it succeeds. */
  private recover(attempt = 0): void {
    this.queue.later(async () => {
      try {
        // Merges made meanwhile went unannounced: look up where every subscriber belongs now.
        await this.refollow([...this.timelineSubscribers.all(), ...this.changeSubscribers.all()]);
        await this.catchUp();
        this.recovering = false;
      } catch (error) {
        if (this.stopped) return;
        if (attempt === 0) this.options.log.warn({ err: error }, 'realtime: catching up from the database failed; trying again');
        setTimeout(() => this.recover(attempt + 1), Math.min(RECOVER_BACKOFF_MAX_MS, RECOVER_BACKOFF_MIN_MS * 2 ** attempt)).unref();
      }
    });
  }

  private async catchUp(): Promise<void> {
    if (this.timelineSubscribers.size === 0) {
      // Nobody to catch up for: just move on to the newest position.
      const newest = await this.options.timeline.newestStoredPosition();
      if (newest > this.position) this.position = newest;
      return;
    }
    for (;;) {
      const events = await this.eventsAfter(this.position, null, null, CATCH_UP_PAGE);
      this.round++;
      for (const event of events) this.dispatchEvent(event, event.customerKey);
      if (events.length < CATCH_UP_PAGE) return;
    }
  }

  private async deliver(notifications: Notification[]): Promise<void> {
    this.round++;
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

    // Load the events someone may want, all in one query. A merge in the round can make any
    // customer's events wanted, so then load them all.
    const remaps = items.some((item) => 'changes' in item && item.changes.some((c) => c.kind === CustomerChangeKind.MERGED || c.kind === CustomerChangeKind.UNMERGED));
    const wanted = (entry: EventEntry) =>
      BigInt(entry[0]) > this.position && (remaps || this.timelineSubscribers.everyone.size > 0 || this.timelineSubscribers.byCustomer.has(entry[2]));
    const keys = items.flatMap((item) => ('events' in item ? item.events.filter(wanted).map((entry) => entry[1]) : []));
    const loaded = new Map<string, TimelineEvent>();
    if (keys.length > 0) {
      const withCase = this.askingForCases > 0;
      for (const event of await this.options.timeline.eventsByKey(keys, { withCase })) if (event) loaded.set(event.eventKey, event);
      this.stats.eventsRead += keys.length;
      if (withCase) this.stats.eventsReadWithCase += keys.length;
    }

    for (const item of items) {
      if ('events' in item) {
        for (const [position, eventKey, customerKey] of item.events) {
          if (BigInt(position) <= this.position) continue;
          const event = loaded.get(eventKey);
          // The notification names the position the recording's INSERT gave the event.
          if (event) this.dispatchEvent(atStreamPosition(event, position), customerKey);
          else this.position = BigInt(position);
        }
      } else {
        for (const change of item.changes) await this.dispatchChange(change);
      }
    }
  }

  private dispatchEvent(event: PositionedEvent, customerKey: string): void {
    const position = BigInt(event.streamPosition);
    if (position <= this.position) return;
    this.position = position;
    for (const subscriber of this.timelineSubscribers.matching(customerKey)) subscriber.offer(event, this.round);
  }

  private async dispatchChange(message: CustomerChangeMessage): Promise<void> {
    // Subscribers follow merges. An unmerge first sends those that came through the restored
    // customer back to it, so they hear of their own unmerge; a merge tells the merged customer's
    // subscribers before they move on to the survivor.
    const about = message.customerKey === message.mergedKey;
    if (message.kind === CustomerChangeKind.UNMERGED && about && message.survivorKey) {
      await this.refollow([
        ...(this.timelineSubscribers.byCustomer.get(message.survivorKey) ?? []),
        ...(this.changeSubscribers.byCustomer.get(message.survivorKey) ?? []),
      ]);
    }
    // Made only for someone: an import announces thousands of new customers that nobody follows.
    const listeners = [...this.changeSubscribers.matching(message.customerKey)];
    if (listeners.length > 0) {
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
      for (const subscriber of listeners) subscriber.offer(change, this.round);
    }
    if (message.kind === CustomerChangeKind.MERGED && about && message.mergedKey) {
      // Where they go is read from the database, not taken from the notification: it may arrive
      // after an unmerge already undid the merge, and a subscription registered since then follows
      // the restored customer and must stay with it.
      await this.refollow([
        ...(this.timelineSubscribers.byCustomer.get(message.mergedKey) ?? []),
        ...(this.changeSubscribers.byCustomer.get(message.mergedKey) ?? []),
      ]);
    }
  }

  /** Looks up again which live customer each of these subscribers follows. */
  private async refollow(subscribers: (TimelineSubscription | CustomerChangeSubscription)[]): Promise<void> {
    const requestedOf = (s: TimelineSubscription | CustomerChangeSubscription) => (s instanceof TimelineSubscription ? s.spec.requestedKey : s.requestedKey);
    const requested = [...new Set(subscribers.map(requestedOf).filter((k): k is string => k != null))];
    if (requested.length === 0) return;
    const live = await this.options.customers.liveKeys(requested);
    for (const subscriber of subscribers) {
      const requestedKey = requestedOf(subscriber);
      const now = requestedKey ? live.get(requestedKey) : undefined;
      if (!now || now === subscriber.liveKey) continue;
      if (subscriber instanceof TimelineSubscription) {
        this.timelineSubscribers.delete(subscriber);
        subscriber.liveKey = now;
        this.timelineSubscribers.add(subscriber);
      } else {
        this.changeSubscribers.delete(subscriber);
        subscriber.liveKey = now;
        this.changeSubscribers.add(subscriber);
      }
    }
  }
}
