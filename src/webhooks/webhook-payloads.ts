import { encodeStreamCursor } from '../changefeed/stream-cursor';
import type { Channel, Direction, EventKind } from '../core/enums';
import type { Sql } from '../db/database';
import { toGlobalId } from '../relay/global-id';
import { summariseWithoutPersonalText } from '../timeline/summary';
import { WebhookTopic } from './webhook.types';

/** The version of the payload shape; a change that could break a receiver gets a new one. */
export const PAYLOAD_VERSION = 1;

/** What the dispatcher knows of a delivery it is about to send. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  topic: WebhookTopic;
  customerKey: string;
  change: Record<string, string | string[] | undefined>;
  createdAt: Date;
  includesPersonalData: boolean;
}

interface EventRow {
  id: string;
  customer_id: string;
  kind: EventKind;
  channel: Channel;
  direction: Direction | null;
  occurred_at: Date;
  received_at: Date;
  summary: string;
  source: string | null;
  external_id: string | null;
  agent_id: string | null;
  case_id: string | null;
  case_rule: string | null;
  stream_position: string;
  details: Record<string, unknown>;
}

interface CaseRow {
  id: string;
  number: number;
  customer_id: string;
  subject: string;
  status: string;
  channels: string[];
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  reopen_count: number;
  contact_count: number;
  agent_id: string | null;
  version: number;
}

interface CustomerRow {
  id: string;
  display_name: string;
  version: number;
  updated_at: Date;
  merged_into: string | null;
  erased_at: Date | null;
}

/**
 * The JSON bodies of a batch of deliveries, read as the rows are now (at most three statements
 * whatever the batch). Ids are the API's global ids. Personal values (an event's summary as
 * written and its details, a customer's name, a case's subject) only for webhooks whose creator
 * could read them; an erased customer's read as the erasure left them.
 */
export async function payloadsFor(sql: Sql, deliveries: readonly ClaimedDelivery[]): Promise<Map<string, string>> {
  const eventKeys = keysOf(deliveries, WebhookTopic.TIMELINE_EVENT_ADDED, 'eventKey');
  const caseKeys = keysOf(deliveries, WebhookTopic.CASE_CHANGED, 'caseKey');
  const customerKeys = keysOf(deliveries, WebhookTopic.CUSTOMER_CHANGED, 'customerKey');
  const [events, cases, customers] = await Promise.all([
    eventKeys.length
      ? sql.query<EventRow>(
          `SELECT e.id::text, e.customer_id, kind, channel, direction, occurred_at, received_at, summary, source, external_id, agent_id, case_id, case_rule, s.position::text AS stream_position, details
           FROM timeline_event e JOIN timeline_stream s ON s.event_id = e.id WHERE e.id = ANY($1::bigint[])`,
          [eventKeys],
        )
      : [],
    caseKeys.length
      ? sql.query<CaseRow>(
          `SELECT id, number, customer_id, subject, status, channels, opened_at, first_response_at, resolved_at, reopen_count, contact_count, agent_id, version
           FROM support_case WHERE id = ANY($1::uuid[])`,
          [caseKeys],
        )
      : [],
    customerKeys.length ? sql.query<CustomerRow>(`SELECT id, display_name, version, updated_at, merged_into, erased_at FROM customer WHERE id = ANY($1::uuid[])`, [customerKeys]) : [],
  ]);
  const eventByKey = new Map(events.map((row) => [row.id, row]));
  const caseByKey = new Map(cases.map((row) => [row.id, row]));
  const customerByKey = new Map(customers.map((row) => [row.id, row]));

  const bodies = new Map<string, string>();
  for (const delivery of deliveries) {
    const common = {
      version: PAYLOAD_VERSION,
      deliveryId: toGlobalId('WebhookDelivery', delivery.id),
      webhookId: toGlobalId('Webhook', delivery.webhookId),
      topic: delivery.topic,
      committedAt: delivery.createdAt.toISOString(),
      customerId: toGlobalId('Customer', delivery.customerKey),
    };
    const personal = delivery.includesPersonalData;
    if (delivery.topic === WebhookTopic.TIMELINE_EVENT_ADDED) {
      const row = eventByKey.get(String(delivery.change.eventKey));
      bodies.set(delivery.id, JSON.stringify({ ...common, event: row ? eventJson(row, personal) : { id: toGlobalId('TimelineEvent', String(delivery.change.eventKey)) } }));
    } else if (delivery.topic === WebhookTopic.CASE_CHANGED) {
      const row = caseByKey.get(String(delivery.change.caseKey));
      bodies.set(delivery.id, JSON.stringify({ ...common, changes: delivery.change.changes ?? [], case: row ? caseJson(row, personal) : { id: toGlobalId('Case', String(delivery.change.caseKey)) } }));
    } else {
      const row = customerByKey.get(String(delivery.change.customerKey));
      const change = {
        kind: delivery.change.kind,
        ...(delivery.change.survivorKey ? { survivorId: toGlobalId('Customer', String(delivery.change.survivorKey)) } : {}),
        ...(delivery.change.mergedKey ? { mergedId: toGlobalId('Customer', String(delivery.change.mergedKey)) } : {}),
      };
      bodies.set(delivery.id, JSON.stringify({ ...common, change, customer: row ? customerJson(row, personal) : null }));
    }
  }
  return bodies;
}

function keysOf(deliveries: readonly ClaimedDelivery[], topic: WebhookTopic, field: string): string[] {
  return [...new Set(deliveries.filter((d) => d.topic === topic).map((d) => String(d.change[field])))];
}

function eventJson(row: EventRow, personal: boolean) {
  return {
    id: toGlobalId('TimelineEvent', row.id),
    kind: row.kind,
    channel: row.channel,
    direction: row.direction,
    occurredAt: row.occurred_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    source: row.source,
    externalId: row.external_id,
    agentId: row.agent_id,
    caseId: row.case_id ? toGlobalId('Case', row.case_id) : null,
    caseRule: row.case_rule,
    streamCursor: encodeStreamCursor(row.stream_position),
    summary: personal ? row.summary : summariseWithoutPersonalText(row.kind, row.direction, row.details),
    ...(personal ? { details: row.details } : {}),
  };
}

function caseJson(row: CaseRow, personal: boolean) {
  return {
    id: toGlobalId('Case', row.id),
    number: row.number,
    status: row.status,
    channels: row.channels,
    openedAt: row.opened_at.toISOString(),
    firstResponseAt: row.first_response_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    reopenCount: row.reopen_count,
    contactCount: row.contact_count,
    agentId: row.agent_id,
    version: row.version,
    ...(personal ? { subject: row.subject } : {}),
  };
}

function customerJson(row: CustomerRow, personal: boolean) {
  return {
    id: toGlobalId('Customer', row.id),
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
    mergedIntoId: row.merged_into ? toGlobalId('Customer', row.merged_into) : null,
    erased: row.erased_at !== null,
    ...(personal ? { displayName: row.display_name } : {}),
  };
}
