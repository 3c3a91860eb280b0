import assert from 'node:assert/strict';

/**
 * The floor of the agent card: one hand-written statement that reads the same rows the server
 * reads for the README's AgentCard (the customer by identifier, identifiers, preferences and
 * consents, what insights add up, the first page of the timeline with each event's case) and
 * builds the answer as JSON in the database, as a generated GraphQL layer would. Nothing beyond
 * it: no credential check, no masking, no audit entry, no cost bound. The identifier is given
 * normalised, as the server stores it. Its client prepares it on each connection, as the
 * server's statements are: planning this statement takes longer than running it.
 */
export const CARD_FLOOR_STATEMENT = `SELECT json_build_object(
  'displayName', c.display_name,
  'identifiers', (SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value, 'namespace', i.namespace)) FROM customer_identifier i WHERE i.customer_id = c.id),
  'preferences', json_build_object('preferredChannel', c.preferred_channel, 'contactHours', c.contact_hours, 'notes', c.notes,
     'consents', (SELECT coalesce(json_agg(json_build_object('channel', k.channel, 'granted', k.granted) ORDER BY k.channel), '[]') FROM consent k WHERE k.customer_id = c.id)),
  'insights', json_build_object(
     'openCases', (SELECT count(*) FROM support_case sc WHERE sc.customer_id = c.id AND sc.status IN ('OPEN', 'PENDING')),
     'orders', (SELECT coalesce(json_agg(json_build_array(o.currency, o.paid, o.refunded, o.purchased_at) ORDER BY o.purchased_at, o.order_key), '[]')
                FROM customer_order o WHERE o.customer_id = c.id AND NOT o.cancelled),
     'surveys', (SELECT coalesce(json_agg(json_build_array(e.details->>'survey', (e.details->>'score')::int, (e.details->>'scaleMax')::int, e.occurred_at) ORDER BY e.occurred_at, e.id), '[]')
                 FROM timeline_event e WHERE e.customer_id = c.id AND e.kind = 'SURVEY_RESPONSE')),
  'timeline', (SELECT json_agg(json_build_object('kind', p.kind, 'occurredAt', p.occurred_at, 'channel', p.channel, 'summary', p.summary, 'details', p.details,
       'case', CASE WHEN sc.id IS NOT NULL THEN json_build_object('number', sc.number, 'subject', sc.subject, 'status', sc.status) END) ORDER BY p.occurred_at DESC, p.id DESC)
     FROM (SELECT e.id, e.kind, e.occurred_at, e.channel, e.summary, e.details, e.case_id FROM timeline_event e
           WHERE e.customer_id = c.id ORDER BY e.occurred_at DESC, e.id DESC LIMIT $4) p
     LEFT JOIN support_case sc ON sc.id = p.case_id)
) AS card
FROM customer_identifier found JOIN customer c ON c.id = found.customer_id
WHERE found.kind = $1 AND found.namespace = $2 AND found.value = $3`;

interface FloorCard {
  displayName: string;
  identifiers: { kind: string; value: string; namespace: string }[];
  preferences: { contactHours: string | null; consents: { channel: string; granted: boolean }[] };
  insights: { openCases: number };
  timeline: { occurredAt: string; channel: string; summary: string; case: { number: number } | null }[];
}

interface GraphqlCard {
  displayName: string;
  identifiers: { kind: string; value: string }[];
  preferences: { contactHours: string | null; consents: { channel: string; granted: boolean }[] };
  insights: { openCases: number };
  timeline: { edges: { node: { occurredAt: string; channel: string; summary: string; case: { number: number } | null } }[] };
}

/** The floor read what the card shows: the same customer, identifiers, consents, open cases, and page of events with their cases. */
export function assertFloorMatchesCard(floor: FloorCard, card: GraphqlCard, pageSize: number): void {
  assert.equal(floor.displayName, card.displayName);
  assert.deepEqual(floor.identifiers.map((i) => `${i.kind} ${i.value}`).sort(), card.identifiers.map((i) => `${i.kind} ${i.value}`).sort());
  assert.deepEqual(floor.preferences.consents, card.preferences.consents);
  assert.equal(floor.preferences.contactHours, card.preferences.contactHours);
  assert.equal(floor.insights.openCases, card.insights.openCases);
  const events = (list: { occurredAt: string; channel: string; summary: string; case: { number: number } | null }[]) =>
    list.map((e) => `${new Date(e.occurredAt).toISOString()} ${e.channel} ${e.case?.number ?? '-'} ${e.summary}`);
  assert.deepEqual(events(floor.timeline.slice(0, pageSize)), events(card.timeline.edges.map((edge) => edge.node)));
}
