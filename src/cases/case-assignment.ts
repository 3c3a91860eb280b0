import { Channel, Direction, EventKind } from '../core/enums';
import { UserError, UserErrorCode } from '../core/errors';
import type { Sql } from '../db/database';
import { appendCaseHistory, CaseChangeKind, type CaseChange } from './case-history';
import { addEventsToCases, recomputeCases } from './case-figures';
import { lockCustomersCases } from './case-locks';
import { CaseRules, type CaseState, type Interaction, type Placement } from './case-rules';
import type { CaseStatus } from './case.types';

/** An event about to be stored, as the recorder hands it over. */
export interface EventToPlace {
  index: number;
  customerKey: string;
  kind: EventKind;
  channel: Channel;
  direction: Direction | null;
  occurredAt: Date;
  agentId: string | null;
  details: Record<string, unknown>;
  caseKey: string | null;
  aboutEventKey: string | null;
  /** Where the input sits, for a user error about its caseId. */
  path: (string | number)[];
}

export interface PlacedBatch {
  placements: Map<number, Placement>;
  errors: Map<number, UserError>;
  rules: CaseRules | null;
}

const INTERACTIONS = new Set([EventKind.CALL, EventKind.EMAIL, EventKind.SOCIAL_MESSAGE]);

/**
 * Places the events of a recording in cases, inside the recording's transaction: before the events
 * are inserted, the cases they open are made; after, their history is written and every touched
 * case's figures are worked out again. One customer's cases are placed by one transaction at a time
 * (a transaction-scoped advisory lock per customer, taken in key order), so two concurrent first
 * contacts cannot open two cases.
 */
export class CaseAssignment {
  constructor(private readonly reopenWindowMs: number) {}

  async place(sql: Sql, events: readonly EventToPlace[]): Promise<PlacedBatch> {
    const relevant = events.filter((e) => e.caseKey || e.aboutEventKey || INTERACTIONS.has(e.kind));
    if (relevant.length === 0) return { placements: new Map(), errors: new Map(), rules: null };
    const customers = [...new Set(relevant.map((e) => e.customerKey))].sort();
    await lockCustomersCases(sql, customers);

    const threadIds = [...new Set(relevant.flatMap((e) => (typeof e.details.threadId === 'string' ? [e.details.threadId] : [])))];
    const threads = threadIds.length
      ? await sql.query<{ customer_id: string; thread_id: string; case_id: string }>(
          `SELECT DISTINCT ON (e.customer_id, e.details->>'threadId') e.customer_id, e.details->>'threadId' AS thread_id, e.case_id
           FROM timeline_event e
           WHERE e.customer_id = ANY($1::uuid[]) AND e.details->>'threadId' = ANY($2::text[]) AND e.case_id IS NOT NULL
           ORDER BY e.customer_id, e.details->>'threadId', e.occurred_at DESC, e.id DESC`,
          [customers, threadIds],
        )
      : [];
    const aboutKeys = [...new Set(relevant.flatMap((e) => (e.aboutEventKey ? [e.aboutEventKey] : [])))];
    const about = aboutKeys.length
      ? await sql.query<{ id: string; case_id: string | null }>(`SELECT e.id::text AS id, e.case_id FROM timeline_event e WHERE e.id = ANY($1::bigint[])`, [aboutKeys])
      : [];
    const aboutCase = new Map(about.map((row) => [row.id, row.case_id]));
    const named = [...new Set([...relevant.flatMap((e) => (e.caseKey ? [e.caseKey] : [])), ...threads.map((t) => t.case_id), ...about.flatMap((a) => (a.case_id ? [a.case_id] : []))])];
    const known = await sql.query<{ id: string; customer_id: string; status: CaseStatus; opened_at: Date; resolved_at: Date | null }>(
      // The named cases, the customers' cases not closed, and each customer's latest case. (Each
      // condition is an index lookup; an OR with an IN (subquery) would read every case instead.)
      `SELECT sc.id, sc.customer_id, sc.status, sc.opened_at, sc.resolved_at FROM support_case sc
       WHERE sc.id = ANY($2::uuid[] || ARRAY(
               SELECT DISTINCT ON (l.customer_id) l.id FROM support_case l WHERE l.customer_id = ANY($1::uuid[]) ORDER BY l.customer_id, l.opened_at DESC, l.id DESC))
          OR (sc.customer_id = ANY($1::uuid[]) AND sc.status <> 'CLOSED')`,
      [customers, named],
    );
    const states: CaseState[] = known.map((row) => ({ key: row.id, customerKey: row.customer_id, status: row.status, openedAt: row.opened_at, resolvedAt: row.resolved_at }));
    const owner = new Map(known.map((row) => [row.id, row.customer_id]));
    const rules = new CaseRules(
      this.reopenWindowMs,
      states,
      threads.map((t) => ({ customerKey: t.customer_id, threadId: t.thread_id, caseKey: t.case_id })),
    );

    const placements = new Map<number, Placement>();
    const errors = new Map<number, UserError>();
    for (const event of relevant) {
      if (event.caseKey && owner.get(event.caseKey) !== event.customerKey) {
        // Another customer's case answers as no case at all: the answer tells nothing.
        errors.set(event.index, UserError.of(UserErrorCode.NOT_FOUND, "This customer has no case with this id.", [...event.path, 'caseId']));
        continue;
      }
      const aboutCaseKey = event.aboutEventKey ? (aboutCase.get(event.aboutEventKey) ?? null) : null;
      const placement = rules.place(interactionOf(event, aboutCaseKey && owner.get(aboutCaseKey) === event.customerKey ? aboutCaseKey : null));
      if (placement) placements.set(event.index, placement);
    }
    return { placements, errors, rules };
  }

  /** Inserts the cases the batch opens; their events reference them. */
  async createCases(sql: Sql, batch: PlacedBatch): Promise<void> {
    const created = batch.rules?.created ?? [];
    if (created.length === 0) return;
    await sql.query(
      `INSERT INTO support_case (id, customer_id, follows_case_id, subject, status, agent_id, opened_at, last_activity_at)
       SELECT id, customer_id, follows, subject, 'OPEN', agent_id, opened_at, opened_at
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS c(id, customer_id, follows, subject, agent_id, opened_at)`,
      [
        created.map((c) => c.key),
        created.map((c) => c.customerKey),
        created.map((c) => c.created!.followsKey),
        created.map((c) => c.created!.subject),
        created.map((c) => c.created!.agentId),
        created.map((c) => c.openedAt),
      ],
    );
  }

  /**
   * After the insert: the history of what the batch did (only for events that were stored; a case
   * opened for an event that was not, a lost idempotency race, is removed again), and the figures.
   */
  async finish(sql: Sql, batch: PlacedBatch, stored: ReadonlyMap<number, { eventKey: string; occurredAt: Date }>): Promise<void> {
    if (!batch.rules) return;
    const added: CaseChange[] = [];
    for (const [index, placement] of batch.placements) {
      const event = stored.get(index);
      if (event) added.push({ caseKey: placement.caseKey, at: event.occurredAt, change: CaseChangeKind.EVENT_ADDED, eventKey: event.eventKey, rule: placement.rule, actor: 'rule' });
    }
    const used = new Set(added.map((change) => change.caseKey));
    const unused = batch.rules.created.filter((c) => !used.has(c.key)).map((c) => c.key);
    if (unused.length > 0) await sql.query(`DELETE FROM support_case WHERE id = ANY($1::uuid[])`, [unused]);
    const kept = batch.rules.changes.filter((change) => !unused.includes(change.caseKey));
    // Only the changes of cases that took an event: a reopening for an event that was not stored did not happen.
    await appendCaseHistory(sql, [...kept.filter((change) => used.has(change.caseKey) || change.change === CaseChangeKind.STATUS), ...added]);
    // Cases whose history changed are worked out again; the others only took later events.
    const changed = new Set(kept.map((c) => c.caseKey));
    const appended = added.filter((change) => !changed.has(change.caseKey));
    const behind = await addEventsToCases(sql, appended.map((change) => change.eventKey!), appended.map((change) => change.caseKey));
    await recomputeCases(sql, [...changed, ...behind]);
  }
}

function interactionOf(event: EventToPlace, aboutCaseKey: string | null): Interaction {
  const details = event.details;
  return {
    index: event.index,
    customerKey: event.customerKey,
    kind: event.kind,
    channel: event.channel,
    direction: event.direction,
    occurredAt: event.occurredAt,
    threadId: typeof details.threadId === 'string' ? details.threadId : null,
    explicitCaseKey: event.caseKey,
    aboutCaseKey,
    subject: typeof details.subject === 'string' ? details.subject : null,
    platform: typeof details.platform === 'string' ? details.platform : null,
    agentId: event.agentId,
    details,
  };
}
