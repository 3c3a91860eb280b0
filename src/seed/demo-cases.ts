import type { EntityManager } from 'typeorm';
import { appendCaseHistory, CaseChangeKind, type CaseChange } from '../cases/case-history';
import { recomputeCases } from '../cases/case-figures';
import { CaseRules, type Placement } from '../cases/case-rules';
import { CaseStatus } from '../cases/case.types';
import { CallOutcome, Channel, Direction, EventKind } from '../core/enums';
import { keyOf } from '../relay/global-id';
import { Random, seedFrom } from './random';
import { DAY, HOUR, MINUTE } from './time-helpers';

interface StoredEvent {
  id: string;
  customer_id: string;
  kind: EventKind;
  channel: Channel;
  direction: Direction | null;
  occurred_at: Date;
  agent_id: string | null;
  details: Record<string, unknown>;
}

/** A case with no contact for this long is resolved (a little after its last event). */
const QUIET_RESOLVES_AFTER = 7 * DAY;
/** Cases in the last month are left as they are; older ones are sometimes resolved too soon, and reopen. */
const RECENT = 30 * DAY;
const CHUNK = 2000;
const CUSTOMERS_PER_SLICE = 5000;

/**
 * Puts the demo's interactions in cases by the same rules recordings use, walking each customer's
 * history in time order, and resolves cases as a support team would: a case that goes quiet is
 * resolved within a day or so of its last event; some older ones are resolved right after an
 * agent's answer and reopen when the customer writes again within the reopen window. Cases of the
 * last week stay open (or pending, when the business spoke last), Maya's among them.
 */
export async function placeDemoCases(m: EntityManager, reopenWindowMs: number, anchor: number): Promise<number> {
  const rng = new Random(seedFrom('customer-timeline/demo/cases'));
  const customers: { id: string }[] = await m.query(`SELECT DISTINCT customer_id AS id FROM timeline_event ORDER BY 1`);
  let count = 0;
  // A few thousand customers at a time: a large load (the benchmark's million events) stays in memory a slice at a time.
  for (let i = 0; i < customers.length; i += CUSTOMERS_PER_SLICE) {
    const slice = customers.slice(i, i + CUSTOMERS_PER_SLICE).map((c) => c.id);
    const events: StoredEvent[] = await m.query(
      `SELECT id::text AS id, customer_id, kind, channel, direction, occurred_at, agent_id, details FROM timeline_event
       WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id, occurred_at, id`,
      [slice],
    );
    count += await placeSlice(m, events, rng, reopenWindowMs, anchor);
  }
  return count;
}

async function placeSlice(m: EntityManager, events: StoredEvent[], rng: Random, reopenWindowMs: number, anchor: number): Promise<number> {
  const rules = new CaseRules(reopenWindowMs, [], []);
  const placements = new Map<string, Placement>();
  const caseOfEvent = new Map<string, string>();
  const activity = new Map<string, { last: number; responded: boolean; agent: string | null }>();
  const agentOf = (caseKey: string) => activity.get(caseKey)?.agent ?? 'support.team';
  /** Cases that already have a subject of their own (from an e-mail, or the rename). */
  const named = new Set<string>();

  let start = 0;
  while (start < events.length) {
    let end = start;
    while (end < events.length && events[end].customer_id === events[start].customer_id) end++;
    const customerKey = events[start].customer_id;
    for (const event of events.slice(start, end)) {
      const at = event.occurred_at.getTime();
      for (const state of rules.casesOf(customerKey)) {
        if (state.status !== CaseStatus.OPEN && state.status !== CaseStatus.PENDING) continue;
        const seen = activity.get(state.key);
        if (!seen) continue;
        if (at - seen.last > QUIET_RESOLVES_AFTER) {
          rules.setStatus(state.key, CaseStatus.RESOLVED, new Date(seen.last + rng.between(2 * HOUR, 30 * HOUR)), agentOf(state.key));
        } else if (seen.responded && seen.last < anchor - RECENT && at - seen.last > 2 * HOUR && rng.chance(0.12)) {
          rules.setStatus(state.key, CaseStatus.RESOLVED, new Date(seen.last + rng.between(30 * MINUTE, Math.min(20 * HOUR, at - seen.last - MINUTE))), agentOf(state.key));
        }
      }
      const aboutKey = typeof event.details.aboutEventId === 'string' ? keyOf(event.details.aboutEventId, 'TimelineEvent') : null;
      const placement = rules.place({
        index: 0,
        customerKey,
        kind: event.kind,
        channel: event.channel,
        direction: event.direction,
        occurredAt: event.occurred_at,
        threadId: typeof event.details.threadId === 'string' ? event.details.threadId : null,
        explicitCaseKey: null,
        aboutCaseKey: aboutKey ? (caseOfEvent.get(aboutKey) ?? null) : null,
        subject: typeof event.details.subject === 'string' ? event.details.subject : null,
        platform: typeof event.details.platform === 'string' ? event.details.platform : null,
        agentId: event.agent_id,
        details: event.details,
      });
      if (!placement) continue;
      // An agent names a case opened by a call or message after the first e-mail about it.
      const subject = typeof event.details.subject === 'string' ? event.details.subject : null;
      if (event.kind === EventKind.EMAIL && subject && !named.has(placement.caseKey)) {
        if (placement.rule !== 'NEW_CASE' && event.direction === Direction.INBOUND) {
          rules.changes.push({ caseKey: placement.caseKey, at: new Date(at + 5 * MINUTE), change: CaseChangeKind.SUBJECT, value: subject.slice(0, 200), actor: agentOf(placement.caseKey) });
        }
        named.add(placement.caseKey);
      }
      placements.set(event.id, placement);
      caseOfEvent.set(event.id, placement.caseKey);
      const seen = activity.get(placement.caseKey) ?? { last: at, responded: false, agent: null };
      seen.last = Math.max(seen.last, at);
      seen.agent ??= event.agent_id;
      if (isResponse(event)) seen.responded = true;
      activity.set(placement.caseKey, seen);
    }
    // Where each case stands at the anchor.
    for (const state of rules.casesOf(customerKey)) {
      if (state.status !== CaseStatus.OPEN && state.status !== CaseStatus.PENDING) continue;
      const seen = activity.get(state.key)!;
      const resolvedAt = seen.last + rng.between(2 * HOUR, 30 * HOUR);
      if (anchor - seen.last > QUIET_RESOLVES_AFTER && resolvedAt < anchor) rules.setStatus(state.key, CaseStatus.RESOLVED, new Date(resolvedAt), agentOf(state.key));
      else if (seen.responded && lastWasOutbound(events.slice(start, end), state.key, caseOfEvent)) rules.setStatus(state.key, CaseStatus.PENDING, new Date(seen.last + MINUTE), agentOf(state.key));
    }
    start = end;
  }

  const created = rules.created;
  for (let i = 0; i < created.length; i += CHUNK) {
    const slice = created.slice(i, i + CHUNK);
    await m.query(
      `INSERT INTO support_case (id, customer_id, follows_case_id, subject, status, agent_id, opened_at, last_activity_at)
       SELECT id, customer_id, follows, subject, 'OPEN', agent_id, opened_at, opened_at
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS c(id, customer_id, follows, subject, agent_id, opened_at)`,
      [slice.map((c) => c.key), slice.map((c) => c.customerKey), slice.map((c) => c.created!.followsKey), slice.map((c) => c.created!.subject), slice.map((c) => c.created!.agentId), slice.map((c) => c.openedAt)],
    );
  }
  const placed = [...placements];
  for (let i = 0; i < placed.length; i += CHUNK) {
    const slice = placed.slice(i, i + CHUNK);
    await m.query(`UPDATE timeline_event e SET case_id = p.case_id, case_rule = p.rule FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS p(id, case_id, rule) WHERE e.id = p.id`, [
      slice.map(([id]) => id),
      slice.map(([, p]) => p.caseKey),
      slice.map(([, p]) => p.rule),
    ]);
  }
  const occurred = new Map(events.map((e) => [e.id, e.occurred_at]));
  const history: CaseChange[] = [
    ...rules.changes,
    ...placed.map(([id, p]) => ({ caseKey: p.caseKey, at: occurred.get(id)!, change: CaseChangeKind.EVENT_ADDED, eventKey: id, rule: p.rule, actor: 'rule' })),
  ];
  for (let i = 0; i < history.length; i += CHUNK) await appendCaseHistory(m, history.slice(i, i + CHUNK));
  const keys = created.map((c) => c.key);
  for (let i = 0; i < keys.length; i += CHUNK) await recomputeCases(m, keys.slice(i, i + CHUNK));
  return created.length;
}

function isResponse(event: StoredEvent): boolean {
  if ((event.kind === EventKind.EMAIL || event.kind === EventKind.SOCIAL_MESSAGE) && event.direction === Direction.OUTBOUND) return true;
  return event.kind === EventKind.CALL && event.details.outcome === CallOutcome.ANSWERED;
}

function lastWasOutbound(events: StoredEvent[], caseKey: string, caseOfEvent: Map<string, string>): boolean {
  const mine = events.filter((e) => caseOfEvent.get(e.id) === caseKey);
  return mine.at(-1)?.direction === Direction.OUTBOUND;
}
