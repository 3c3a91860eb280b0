import { EventKind } from '../core/enums';
import { UserError, UserErrorCode, badUserInput } from '../core/errors';
import { GroupCommit } from '../core/group-commit';
import { currentScope, runInScope } from '../core/request-scope';
import { toTimelineEvent } from '../timeline/timeline-event.types';
import type { EventStore, StorableEvent, StorageOutcome, StoreOptions } from './event-storage';
import { validateEvent } from './event-validation';
import type { EventInput, RecordEventCommonInput, RecordEventPayload } from './record-event.types';

export const MAX_EVENTS_PER_BATCH = 1000;

export interface EventToRecord {
  kind: EventKind;
  input: RecordEventCommonInput;
  /** Where the input sits in the mutation's arguments, for user errors. */
  path: (string | number)[];
}

const EVENT_INPUT_FIELDS: [keyof EventInput, EventKind][] = [
  ['call', EventKind.CALL],
  ['email', EventKind.EMAIL],
  ['socialMessage', EventKind.SOCIAL_MESSAGE],
  ['purchase', EventKind.PURCHASE],
  ['surveyResponse', EventKind.SURVEY_RESPONSE],
  ['review', EventKind.REVIEW],
];

/** Events one shared recording transaction carries at most, and such transactions on their way at once. */
const EVENTS_PER_SHARED_TRANSACTION = 200;
const SHARED_TRANSACTIONS_IN_FLIGHT = 1;
/**
 * Batches of up to this many events share transactions with concurrent requests' events; larger
 * ones are a transaction's worth on their own and go alone, beside the shared ones.
 */
const SHARED_BATCH_MAX_EVENTS = 100;

/** Stores interactions pushed by integrations: validated, idempotent, each item on its own. */
export class EventRecorder {
  /**
   * Single events and small batches of concurrent requests are stored together (a group
   * commit): while one group's transaction is on its way, the events that come meanwhile wait
   * and go in the next, which takes the stream lock and commits once for all of them. Each
   * request still gets its own answers once its events are committed, and an event the
   * database refuses fails alone.
   */
  private readonly shared: GroupCommit<StorableEvent[], RecordEventPayload[]>;

  constructor(
    private readonly storage: EventStore,
    private readonly region: string,
    options: { operationTimeoutMs: number },
  ) {
    this.shared = new GroupCommit(
      // The storage reads the deadline from the async context (on the recording thread's way too).
      async (batches, scope) => {
        const stored = await runInScope(scope, () => this.storeNow(batches.flat(), { shared: true }));
        let next = 0;
        return batches.map((batch) => stored.slice(next, (next += batch.length)));
      },
      { maxItems: EVENTS_PER_SHARED_TRANSACTION, sizeOf: (batch) => batch.length, maxInFlight: SHARED_TRANSACTIONS_IN_FLIGHT, timeoutMs: options.operationTimeoutMs },
    );
  }

  /** Requests (a single event or a small batch each) waiting for the next shared transaction. */
  get requestsWaiting(): number {
    return this.shared.waiting;
  }

  async record(kind: EventKind, input: RecordEventCommonInput): Promise<RecordEventPayload> {
    const validation = validateEvent(kind, input, ['input'], this.region);
    if (!validation.ok) return failed(validation.errors);
    const [result] = await this.storeShared([{ event: validation.event, path: ['input'] }]);
    return result;
  }

  async recordEvents(events: EventInput[]): Promise<RecordEventPayload[]> {
    if (events.length > MAX_EVENTS_PER_BATCH) {
      throw badUserInput(`At most ${MAX_EVENTS_PER_BATCH} events per call, got ${events.length}; split the batch.`, { argument: 'input.events' });
    }
    const items: (EventToRecord | UserError)[] = events.map((event, i) => {
      const set = EVENT_INPUT_FIELDS.filter(([field]) => event[field] != null);
      if (set.length !== 1) {
        return UserError.of(UserErrorCode.INVALID, 'Set exactly one of call, email, socialMessage, purchase, surveyResponse, review.', ['input', 'events', i]);
      }
      const [field, kind] = set[0];
      return { kind, input: event[field]!, path: ['input', 'events', i, field] };
    });
    const valid = items.filter((item): item is EventToRecord => !(item instanceof UserError));
    const recorded = await this.recordMany(valid);
    let next = 0;
    return items.map((item) => (item instanceof UserError ? failed([item]) : recorded[next++]));
  }

  /**
   * Validates every item, then stores the valid ones in one transaction (see EventStorage).
   * Items fail on their own: a bad item gets userErrors and is not stored; the good ones are. A small batch shares its transaction
   * with what concurrent requests record meanwhile (see `shared`).
   */
  async recordMany(items: EventToRecord[]): Promise<RecordEventPayload[]> {
    const validations = items.map((item) => validateEvent(item.kind, item.input, item.path, this.region));
    const toStore = validations.flatMap((v, i) => (v.ok ? [{ event: v.event, path: items[i].path }] : []));
    if (toStore.length === 0) return validations.map((v) => failed(v.ok ? [] : v.errors));
    const stored = toStore.length <= SHARED_BATCH_MAX_EVENTS ? await this.storeShared(toStore) : await this.storeNow(toStore, { shared: false });
    let next = 0;
    return validations.map((v) => (v.ok ? stored[next++] : failed(v.errors)));
  }

  /** Stores events in the next shared transaction; its statements count for this request, as when it ran alone. */
  private async storeShared(toStore: StorableEvent[]): Promise<RecordEventPayload[]> {
    const { result, statements } = await this.shared.submit(toStore);
    const scope = currentScope();
    if (scope) scope.statements += statements;
    return result;
  }

  /** Stores events in a transaction of their own (the storage's: on the recording thread, where the server runs one). */
  private async storeNow(toStore: StorableEvent[], options: StoreOptions): Promise<RecordEventPayload[]> {
    return (await this.storage.store(toStore, options)).map(toPayload);
  }
}

/**
 * The GraphQL payload of what storage made of one event. Its timestamps are made anew: objects
 * that crossed from the recording thread belong to Node's own realm, and a Date of another realm
 * than the schema's (as under Jest's test environment) fails the DateTime scalar's `instanceof`.
 */
function toPayload(outcome: StorageOutcome): RecordEventPayload {
  const userErrors = outcome.userErrors.map((error) => Object.assign(new UserError(), error));
  const row = outcome.row;
  if (!row) return failed(userErrors);
  const event = toTimelineEvent({ ...row, occurred_at: new Date(row.occurred_at.getTime()), received_at: new Date(row.received_at.getTime()) });
  return { event, customer: null, customerKey: row.customer_id, created: outcome.created, userErrors };
}

function failed(userErrors: UserError[]): RecordEventPayload {
  return { event: null, customer: null, customerKey: null, created: false, userErrors };
}
