import type { Sql } from '../db/database';
import { CaseStatus } from './case.types';
import { CaseChangeKind } from './case-history';

interface HistoryRow {
  case_id: string;
  at: Date;
  change: CaseChangeKind;
  status: CaseStatus | null;
  value: string | null;
}

interface EventFigures {
  case_id: string;
  contacts: number;
  first_response: Date | null;
  last_response: Date | null;
  channels: string[];
  last_event: Date | null;
}

/**
 * A response of the business, and when: an outbound e-mail or message at its time; an inbound call
 * answered, once it was (occurredAt + waitSeconds); an outbound call the customer answered. Missed,
 * abandoned and voicemail calls are not responses.
 */
const RESPONSE_AT = `CASE
  WHEN e.kind IN ('EMAIL','SOCIAL_MESSAGE') AND e.direction = 'OUTBOUND' THEN e.occurred_at
  WHEN e.kind = 'CALL' AND e.details->>'outcome' = 'ANSWERED' AND e.direction = 'OUTBOUND' THEN e.occurred_at
  WHEN e.kind = 'CALL' AND e.details->>'outcome' = 'ANSWERED' THEN e.occurred_at + make_interval(secs => coalesce((e.details->>'waitSeconds')::int, 0))
END`;

/** An inbound call, e-mail or message: what a case's contact count counts. */
const INBOUND_CONTACT = `e.kind IN ('CALL','EMAIL','SOCIAL_MESSAGE') AND e.direction = 'INBOUND'`;

/**
 * Works out every figure of these cases again from what they are made of, and stores it: status,
 * subject, agent, opening, resolution and reopenings from the history (in the order the changes
 * took effect), contacts, channels and responses from the events in them now. Three statements
 * for any number of cases; every write to a case ends with it, or with addEventsToCases where it
 * only took later events.
 */
export async function recomputeCases(sql: Sql, caseKeys: readonly string[]): Promise<void> {
  const keys = [...new Set(caseKeys)];
  if (keys.length === 0) return;
  const history = await sql.query<HistoryRow>(
    `SELECT case_id, at, change, status, value FROM case_history WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, at, id`,
    [keys],
  );
  const events = await sql.query<EventFigures>(
    `SELECT e.case_id,
            count(*) FILTER (WHERE ${INBOUND_CONTACT})::int AS contacts,
            min(${RESPONSE_AT}) AS first_response,
            max(${RESPONSE_AT}) AS last_response,
            max(e.occurred_at) AS last_event,
            (SELECT array_agg(first.channel ORDER BY first.at, first.channel)
               FROM (SELECT f.channel, min(f.occurred_at) AS at FROM timeline_event f WHERE f.case_id = e.case_id GROUP BY f.channel) first) AS channels
     FROM timeline_event e WHERE e.case_id = ANY($1::uuid[]) GROUP BY e.case_id`,
    [keys],
  );
  const byCase = new Map(keys.map((key) => [key, fold([])]));
  let start = 0;
  for (let i = 1; i <= history.length; i++) {
    if (i === history.length || history[i].case_id !== history[start].case_id) {
      byCase.set(history[start].case_id, fold(history.slice(start, i)));
      start = i;
    }
  }
  const figures = new Map(events.map((row) => [row.case_id, row]));
  const rows = keys.map((key) => ({ key, ...byCase.get(key)!, events: figures.get(key) }));
  await sql.query(
    `UPDATE support_case c SET
       status = coalesce(f.status, c.status), subject = coalesce(f.subject, c.subject), agent_id = f.agent_id,
       opened_at = coalesce(f.opened_at, c.opened_at), resolved_at = f.resolved_at, reopen_count = f.reopen_count,
       contact_count = f.contacts, first_response_at = f.first_response, last_response_at = f.last_response,
       channels = coalesce(f.channels::text[], '{}'), last_activity_at = greatest(coalesce(f.last_event, c.opened_at), coalesce(f.last_change, c.opened_at)),
       version = c.version + 1, updated_at = now()
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::int[], $8::int[], $9::timestamptz[], $10::timestamptz[],
                 $11::text[], $12::timestamptz[], $13::timestamptz[])
       AS f(id, status, subject, agent_id, opened_at, resolved_at, reopen_count, contacts, first_response, last_response, channels, last_event, last_change)
     WHERE c.id = f.id`,
    [
      rows.map((r) => r.key),
      rows.map((r) => r.status),
      rows.map((r) => r.subject),
      rows.map((r) => r.agentId),
      rows.map((r) => r.openedAt),
      rows.map((r) => r.resolvedAt),
      rows.map((r) => r.reopenCount),
      rows.map((r) => r.events?.contacts ?? 0),
      rows.map((r) => r.events?.first_response ?? null),
      rows.map((r) => r.events?.last_response ?? null),
      rows.map((r) => (r.events?.channels ? `{${r.events.channels.join(',')}}` : null)),
      rows.map((r) => r.events?.last_event ?? null),
      rows.map((r) => r.lastChange),
    ],
  );
}

/**
 * The common write, events added to cases whose history took no other change: their figures
 * moved on by the new events alone, in one statement, rather than worked out again from every
 * event of the case (which grows with the case, and was a third of a single recording's time).
 * Only where every new event is later than anything the case has seen, so no channel's first
 * contact moves; answers the cases it could not move on that way, for recomputeCases.
 */
export async function addEventsToCases(sql: Sql, eventKeys: readonly string[], caseKeys: readonly string[]): Promise<string[]> {
  const cases = [...new Set(caseKeys)];
  if (eventKeys.length === 0 || cases.length === 0) return cases;
  const moved = await sql.query<{ id: string }>(
    `WITH new_event AS (
       SELECT e.case_id, e.channel, e.occurred_at, ${INBOUND_CONTACT} AS inbound_contact, ${RESPONSE_AT} AS response_at
       FROM timeline_event e WHERE e.id = ANY($1::bigint[]) AND e.case_id = ANY($2::uuid[])
     ), added AS (
       -- One pass, per channel then per case: a join of two groupings was planned as a loop over
       -- both (the new events are estimated at one row), which grew with the square of a batch.
       SELECT p.case_id, sum(p.contacts)::int AS contacts, min(p.first_response) AS first_response, max(p.last_response) AS last_response,
              min(p.at) AS first_event, max(p.last_event) AS last_event, array_agg(p.channel ORDER BY p.at, p.channel) AS channels
       FROM (SELECT n.case_id, n.channel, min(n.occurred_at) AS at, max(n.occurred_at) AS last_event,
                    count(*) FILTER (WHERE n.inbound_contact) AS contacts,
                    min(n.response_at) AS first_response, max(n.response_at) AS last_response
             FROM new_event n GROUP BY n.case_id, n.channel) p
       GROUP BY p.case_id
     )
     UPDATE support_case c SET
       contact_count = c.contact_count + a.contacts,
       first_response_at = least(c.first_response_at, a.first_response), last_response_at = greatest(c.last_response_at, a.last_response),
       channels = c.channels || ARRAY(SELECT x.channel FROM unnest(a.channels) WITH ORDINALITY AS x(channel, i) WHERE x.channel <> ALL(c.channels) ORDER BY x.i),
       last_activity_at = greatest(c.last_activity_at, a.last_event),
       version = c.version + 1, updated_at = now()
     FROM added a
     WHERE c.id = a.case_id AND a.first_event > c.last_activity_at
     RETURNING c.id`,
    [eventKeys, cases],
    { genericPlan: true },
  );
  const done = new Set(moved.map((row) => row.id));
  return cases.filter((key) => !done.has(key));
}

/** Status, subject, agent, opening, resolution and reopenings: the history replayed in order. */
function fold(history: HistoryRow[]) {
  let status: CaseStatus | null = null;
  let subject: string | null = null;
  let agentId: string | null = null;
  let openedAt: Date | null = null;
  let resolvedAt: Date | null = null;
  let reopenCount = 0;
  let lastChange: Date | null = null;
  for (const entry of history) {
    lastChange = entry.at;
    switch (entry.change) {
      case CaseChangeKind.OPENED:
        openedAt ??= entry.at;
        status = entry.status ?? CaseStatus.OPEN;
        if (entry.value != null) subject = entry.value;
        break;
      case CaseChangeKind.REOPENED:
        reopenCount++;
        status = entry.status ?? CaseStatus.OPEN;
        resolvedAt = null;
        break;
      case CaseChangeKind.STATUS: {
        const before = status;
        status = entry.status!;
        // Closing a resolved case keeps when it was resolved; closing an open one resolves it then.
        if (status === CaseStatus.RESOLVED || (status === CaseStatus.CLOSED && before !== CaseStatus.RESOLVED && before !== CaseStatus.CLOSED)) resolvedAt = entry.at;
        else if (status === CaseStatus.OPEN || status === CaseStatus.PENDING) {
          if (before === CaseStatus.RESOLVED || before === CaseStatus.CLOSED) reopenCount++;
          resolvedAt = null;
        }
        break;
      }
      case CaseChangeKind.SUBJECT:
        subject = entry.value;
        break;
      case CaseChangeKind.AGENT:
        agentId = entry.value;
        break;
      default:
        break;
    }
  }
  return { status, subject, agentId, openedAt, resolvedAt, reopenCount, lastChange };
}
