/**
 * SQL that writes a change's webhook deliveries in the change's own transaction, so they commit
 * (or vanish) with it, as a data-modifying CTE of a statement the change runs anyway (no extra
 * round trip). What a
 * delivery carries is ids and kinds only (personal values are read when it is sent, and only
 * for webhooks allowed them).
 */
/** Webhooks that still take changes: active ones, and paused ones (resumed, they send what they missed). */
const RECEIVING = `w.state IN ('ACTIVE', 'PAUSED')`;

/** A webhook's customer filter also follows that customer into whoever it was merged into. */
const FOR_CUSTOMER = (customerColumn: string) =>
  `(w.customer_id IS NULL OR w.customer_id = ${customerColumn} OR EXISTS (SELECT 1 FROM customer fc WHERE fc.id = w.customer_id AND fc.merged_into = ${customerColumn}))`;

/**
 * Deliveries of TIMELINE_EVENT_ADDED for the rows of `source` (the events a statement inserts:
 * id, customer_id, kind, channel), in id order. Written by the inserting statement itself, not
 * by the one that announces the events, which holds the stream lock every recording waits for;
 * a customer's deliveries keep its commit order through the customer's own lock.
 */
export function eventDeliveriesCte(name: string, source: string): string {
  return `${name} AS (
    INSERT INTO webhook_delivery (webhook_id, topic, customer_id, change)
    SELECT w.id, 'TIMELINE_EVENT_ADDED', e.customer_id, jsonb_build_object('eventKey', e.id::text)
    FROM ${source} e JOIN webhook w ON ${RECEIVING} AND 'TIMELINE_EVENT_ADDED' = ANY(w.topics)
      AND ${FOR_CUSTOMER('e.customer_id')}
      AND (w.kinds IS NULL OR e.kind = ANY(w.kinds)) AND (w.channels IS NULL OR e.channel = ANY(w.channels))
    ORDER BY e.id, w.id
    RETURNING 1)`;
}

/** Deliveries of CUSTOMER_CHANGED for `changes`, a json array parameter of {k, c, s?, m?} (kind, customer, survivor, merged). */
export function customerDeliveriesCte(name: string, changesParameter: string): string {
  return `${name} AS (
    INSERT INTO webhook_delivery (webhook_id, topic, customer_id, change)
    SELECT w.id, 'CUSTOMER_CHANGED', ch.c, jsonb_strip_nulls(jsonb_build_object('kind', ch.k, 'customerKey', ch.c::text, 'survivorKey', ch.s, 'mergedKey', ch.m))
    FROM (SELECT j->>'k' AS k, (j->>'c')::uuid AS c, j->>'s' AS s, j->>'m' AS m, n FROM json_array_elements(${changesParameter}) WITH ORDINALITY AS a(j, n)) ch
      JOIN webhook w ON ${RECEIVING} AND 'CUSTOMER_CHANGED' = ANY(w.topics) AND ${FOR_CUSTOMER('ch.c')}
    ORDER BY ch.n, w.id
    RETURNING 1)`;
}

/** Deliveries of CASE_CHANGED, one per case of `source` (rows of case_id and change), naming the kinds of change. */
export function caseDeliveriesCte(name: string, source: string): string {
  return `${name} AS (
    INSERT INTO webhook_delivery (webhook_id, topic, customer_id, change)
    SELECT w.id, 'CASE_CHANGED', sc.customer_id, jsonb_build_object('caseKey', sc.id::text, 'changes', h.changes)
    FROM (SELECT case_id, jsonb_agg(DISTINCT change) AS changes FROM ${source} GROUP BY case_id) h
      JOIN support_case sc ON sc.id = h.case_id
      JOIN webhook w ON ${RECEIVING} AND 'CASE_CHANGED' = ANY(w.topics) AND ${FOR_CUSTOMER('sc.customer_id')}
    ORDER BY sc.id, w.id
    RETURNING 1)`;
}
