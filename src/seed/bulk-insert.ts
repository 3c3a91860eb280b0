import type { EntityManager } from 'typeorm';
import { EventKind } from '../core/enums';
import { loadedEventPositionsCte } from '../changefeed/stream-positions';
import { summarise } from '../timeline/summary';
import { toGlobalId } from '../relay/global-id';
import type { Draft, Person } from './demo-model';

/** Rows per INSERT statement. */
const CHUNK_ROWS = 5_000;

export async function insertCustomers(m: EntityManager, people: Person[]): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  await insertChunked(
    m,
    `INSERT INTO customer (id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours, notes, version, created_at, updated_at)
     SELECT id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours,
            ARRAY(SELECT jsonb_array_elements_text(notes)), version, created_at, updated_at
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::int[], $12::timestamptz[], $13::timestamptz[])
       AS c(id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours, notes, version, created_at, updated_at)`,
    people.map((p) => [
      p.id, p.displayName, p.givenName, p.familyName, p.locale, p.timeZone, p.preferredChannel, p.language, p.contactHours,
      JSON.stringify(p.notes), p.version, iso(p.createdAt), iso(p.updatedAt),
    ]),
  );
  await insertChunked(
    m,
    `INSERT INTO customer_identifier (customer_id, kind, namespace, value, verified, source, added_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::timestamptz[])`,
    people.flatMap((p) => p.identifiers.map((i) => [p.id, i.kind, i.namespace, i.value, i.verified, i.source, iso(i.addedAt)])),
  );
  const current = people.flatMap((p) => [...new Map(p.consentChanges.map((c) => [c.channel, c])).values()].map((c) => [p.id, c.channel, c.granted, c.source, iso(c.at)]));
  await insertChunked(
    m,
    `INSERT INTO consent (customer_id, channel, granted, source, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::timestamptz[])`,
    current,
  );
  await insertChunked(
    m,
    `INSERT INTO consent_change (customer_id, channel, granted, source, changed_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::timestamptz[])`,
    people.flatMap((p) => p.consentChanges.map((c) => [p.id, c.channel, c.granted, c.source, iso(c.at)])),
  );
}

const INSERT_EVENTS = `
  WITH stored AS (
    INSERT INTO timeline_event (customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
    RETURNING id, customer_id, external_id),
  ${loadedEventPositionsCte('positioned', 'stored')}
  SELECT id, external_id FROM stored`;

/**
 * Stores events oldest first, so ids rise with time. Survey responses go last: their details
 * name the event they are about by its global id, which exists only once that event is stored.
 */
export async function insertEvents(m: EntityManager, events: Draft[]): Promise<void> {
  const byTime = (a: Draft, b: Draft) => a.occurredAt - b.occurredAt || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);
  const surveys = events.filter((e) => e.kind === EventKind.SURVEY_RESPONSE).sort(byTime);
  const others = events.filter((e) => e.kind !== EventKind.SURVEY_RESPONSE).sort(byTime);
  const ids = new Map<string, string>();
  for (const rows of [others, surveys]) {
    for (const event of rows) {
      if (!event.about) continue;
      const key = ids.get(event.about.externalId);
      if (!key) throw new Error(`demo data: survey ${event.externalId} is about an event that was not stored`);
      event.details.aboutEventId = toGlobalId('TimelineEvent', key);
    }
    const stored = await insertChunked<{ id: string; external_id: string }>(
      m,
      INSERT_EVENTS,
      rows.map((e) => [
        e.customerId, e.kind, e.channel, new Date(e.occurredAt).toISOString(), e.direction,
        summarise(e.kind, e.direction, e.details), e.source, e.externalId, e.agentId, JSON.stringify(e.details),
      ]),
    );
    for (const row of stored) ids.set(row.external_id, String(row.id));
  }
}

/** Runs `sql` (which reads its columns from unnest($1..$n)) on rows, a few thousand at a time. */
async function insertChunked<Row = unknown>(m: EntityManager, sql: string, rows: unknown[][], chunk = CHUNK_ROWS): Promise<Row[]> {
  const returned: Row[] = [];
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const columns = slice[0].map((_, i) => slice.map((row) => row[i]));
    returned.push(...((await m.query(sql, columns)) as Row[]));
  }
  return returned;
}
