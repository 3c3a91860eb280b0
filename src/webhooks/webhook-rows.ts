import type { Channel, EventKind } from '../core/enums';
import { toGlobalId } from '../relay/global-id';
import { Webhook, WebhookDelivery, WebhookDeliveryState, WebhookFilter, WebhookState, type WebhookTopic } from './webhook.types';

export interface WebhookRow {
  id: string;
  url: string;
  topics: WebhookTopic[];
  customer_id: string | null;
  kinds: EventKind[] | null;
  channels: Channel[] | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  state: WebhookState | 'DELETED';
  state_reason: string | null;
  includes_personal_data: boolean;
  created_by: string;
  consecutive_failures: number;
  created_at: Date;
}

export const WEBHOOK_COLUMNS = `id, url, topics, customer_id, kinds, channels, secret, previous_secret, previous_secret_until, state, state_reason,
  includes_personal_data, created_by, consecutive_failures, created_at`;

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  topic: WebhookTopic;
  customer_id: string;
  change: Record<string, unknown>;
  state: WebhookDeliveryState;
  attempt: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

export const DELIVERY_COLUMNS = `id::text, webhook_id, topic, customer_id, change, state, attempt, next_attempt_at, last_status, last_error, delivered_at, created_at`;

export function webhookFromRow(row: WebhookRow): Webhook {
  const filter = Object.assign(new WebhookFilter(), {
    customerId: row.customer_id ? toGlobalId('Customer', row.customer_id) : null,
    kinds: row.kinds,
    channels: row.channels,
  });
  const state = row.state === 'DELETED' ? WebhookState.DISABLED : row.state;
  return Object.assign(new Webhook(), {
    id: toGlobalId('Webhook', row.id),
    webhookKey: row.id,
    url: row.url,
    topics: row.topics,
    filter,
    active: row.state === WebhookState.ACTIVE,
    state,
    stateReason: row.state === WebhookState.ACTIVE ? null : row.state_reason,
    consecutiveFailures: row.consecutive_failures,
    includesPersonalData: row.includes_personal_data,
    createdBy: row.created_by,
    createdAt: row.created_at,
  });
}

export function deliveryFromRow(row: DeliveryRow): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: toGlobalId('WebhookDelivery', row.id),
    topic: row.topic,
    state: row.state,
    attempt: row.attempt,
    status: row.last_status,
    deliveredAt: row.delivered_at,
    nextAttemptAt: row.state === WebhookDeliveryState.PENDING ? row.next_attempt_at : null,
    error: row.state === WebhookDeliveryState.DELIVERED ? null : row.last_error,
    createdAt: row.created_at,
  });
}
