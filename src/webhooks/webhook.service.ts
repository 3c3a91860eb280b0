import { notifyWebhookChangeSql } from '../changefeed/notifications';
import { Channel, EventKind } from '../core/enums';
import { UserErrorCode, UserInputProblem, UserError } from '../core/errors';
import type { Database } from '../db/database';
import { keyOf } from '../relay/global-id';
import { DELIVERY_COLUMNS, WEBHOOK_COLUMNS, type DeliveryRow, type WebhookRow } from './webhook-rows';
import { newWebhookSecret } from './webhook-signature';
import { targetProblem } from './webhook-target';
import type { WebhookFilterInput, WebhookTopic } from './webhook.types';

const MIN_SECRET_LENGTH = 24;
const DEFAULT_GRACE_SECONDS = 86_400;
const MAX_GRACE_SECONDS = 7 * 86_400;

export interface NewWebhook {
  url: string;
  topics: WebhookTopic[];
  secret: string | null;
  filter: WebhookFilterInput | null;
  createdBy: string;
  includesPersonalData: boolean;
}

/** Webhooks and their deliveries: what admins create, change, list and send again. The dispatcher sends. */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly allowPrivateTargets: boolean,
  ) {}

  async create(input: NewWebhook): Promise<{ row: WebhookRow; secret: string | null }> {
    const problems: UserError[] = [];
    const urlProblem = await targetProblem(input.url, this.allowPrivateTargets);
    if (urlProblem) problems.push(UserError.of(UserErrorCode.INVALID, urlProblem, ['input', 'url']));
    problems.push(...topicProblems(input.topics, ['input', 'topics']));
    if (input.secret != null && input.secret.length < MIN_SECRET_LENGTH) problems.push(UserError.of(UserErrorCode.INVALID, `A secret has at least ${MIN_SECRET_LENGTH} characters.`, ['input', 'secret']));
    if (input.secret != null && input.secret.length > 200) problems.push(UserError.of(UserErrorCode.TOO_LONG, 'A secret has at most 200 characters.', ['input', 'secret']));
    const filter = await this.checkedFilter(input.filter, problems);
    if (problems.length) throw new UserInputProblem(problems);
    const secret = input.secret ?? newWebhookSecret();
    const [row] = await this.db.query<WebhookRow>(
      `INSERT INTO webhook (url, topics, customer_id, kinds, channels, secret, includes_personal_data, created_by)
       VALUES ($1, $2::text[], $3, $4::text[], $5::text[], $6, $7, $8) RETURNING ${WEBHOOK_COLUMNS}`,
      [input.url, [...new Set(input.topics)], filter.customerKey, filter.kinds, filter.channels, secret, input.includesPersonalData, input.createdBy],
    );
    return { row, secret: input.secret ? null : secret };
  }

  async update(key: string, change: { active?: boolean | null; url?: string | null; topics?: WebhookTopic[] | null }): Promise<WebhookRow> {
    const problems: UserError[] = [];
    if (change.url != null) {
      const urlProblem = await targetProblem(change.url, this.allowPrivateTargets);
      if (urlProblem) problems.push(UserError.of(UserErrorCode.INVALID, urlProblem, ['input', 'url']));
    }
    if (change.topics != null) problems.push(...topicProblems(change.topics, ['input', 'topics']));
    if (problems.length) throw new UserInputProblem(problems);
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<WebhookRow>(
        `UPDATE webhook SET
           url = coalesce($2, url),
           topics = coalesce($3::text[], topics),
           state = CASE WHEN $4::boolean IS NULL THEN state WHEN $4 THEN 'ACTIVE' ELSE 'PAUSED' END,
           state_reason = CASE WHEN $4::boolean IS NULL THEN state_reason WHEN $4 THEN NULL ELSE 'paused by an admin' END,
           state_changed_at = CASE WHEN $4::boolean IS NULL THEN state_changed_at ELSE now() END,
           consecutive_failures = CASE WHEN $4 THEN 0 ELSE consecutive_failures END,
           failing_since = CASE WHEN $4 THEN NULL ELSE failing_since END,
           updated_at = now()
         WHERE id = $1 AND state <> 'DELETED' RETURNING ${WEBHOOK_COLUMNS}`,
        [key, change.url ?? null, change.topics ? [...new Set(change.topics)] : null, change.active ?? null],
      );
      if (!row) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No webhook has this id.', ['input', 'id']);
      if (change.active != null) await sql.query(`SELECT ${notifyWebhookChangeSql('w')} FROM webhook w WHERE w.id = $1`, [key]);
      // Resumed: what waited for a retry goes now, in order.
      if (change.active) await sql.query(`UPDATE webhook_delivery SET next_attempt_at = now() WHERE webhook_id = $1 AND state = 'PENDING'`, [key]);
      return row;
    });
  }

  /** Deleted: it is sent nothing more, and what was still pending is cancelled. */
  async delete(key: string): Promise<WebhookRow> {
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<WebhookRow>(
        `UPDATE webhook SET state = 'DELETED', state_reason = 'deleted', state_changed_at = now(), updated_at = now() WHERE id = $1 AND state <> 'DELETED' RETURNING ${WEBHOOK_COLUMNS}`,
        [key],
      );
      if (!row) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No webhook has this id.', ['input', 'id']);
      await sql.query(`UPDATE webhook_delivery SET state = 'CANCELLED', lease_until = NULL WHERE webhook_id = $1 AND state = 'PENDING'`, [key]);
      return row;
    });
  }

  /** A new secret; the old one signs too (a second `v1=`) for the grace period. */
  async rotateSecret(key: string, graceSeconds: number | null): Promise<{ row: WebhookRow; secret: string }> {
    const grace = graceSeconds ?? DEFAULT_GRACE_SECONDS;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) throw UserInputProblem.one(UserErrorCode.OUT_OF_RANGE, `Between 0 and ${MAX_GRACE_SECONDS} seconds.`, ['input', 'graceSeconds']);
    const secret = newWebhookSecret();
    const [row] = await this.db.query<WebhookRow>(
      `UPDATE webhook SET previous_secret = secret, previous_secret_until = now() + make_interval(secs => $3), secret = $2, updated_at = now()
       WHERE id = $1 AND state <> 'DELETED' RETURNING ${WEBHOOK_COLUMNS}`,
      [key, secret, grace],
    );
    if (!row) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No webhook has this id.', ['input', 'id']);
    return { row, secret };
  }

  async byId(key: string): Promise<WebhookRow | null> {
    const [row] = await this.db.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhook WHERE id = $1 AND state <> 'DELETED'`, [key]);
    return row ?? null;
  }

  async list(limit: number, after: { createdAt: string; id: string } | null): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow>(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhook WHERE state <> 'DELETED' AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, after?.createdAt ?? null, after?.id ?? null],
    );
  }

  /** Newest first: ids follow the order deliveries were written in. */
  async deliveries(webhookKey: string, limit: number, before: string | null): Promise<DeliveryRow[]> {
    return this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE webhook_id = $1 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2`,
      [webhookKey, limit, before],
    );
  }

  /** One delivery sent again (same id), at once, in its place in its customer's order. */
  async redeliver(deliveryKey: string): Promise<number> {
    const rows = await this.db.query(
      `UPDATE webhook_delivery d SET state = 'PENDING', next_attempt_at = now(), lease_until = NULL
       FROM webhook w WHERE d.id = $1 AND w.id = d.webhook_id AND w.state <> 'DELETED' AND d.state <> 'PENDING' RETURNING d.id`,
      [deliveryKey],
    );
    if (rows.length === 0) {
      const [exists] = await this.db.query<{ state: string }>(`SELECT state FROM webhook_delivery WHERE id = $1`, [deliveryKey]);
      if (!exists) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No delivery has this id.', ['input', 'deliveryId']);
      if (exists.state !== 'PENDING') throw UserInputProblem.one(UserErrorCode.INVALID, 'Its webhook was deleted.', ['input', 'deliveryId']);
    }
    return rows.length;
  }

  /** Every delivery of the webhook written since `since` sent again, in order. */
  async replay(webhookKey: string, since: Date): Promise<number> {
    if (!(await this.byId(webhookKey))) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No webhook has this id.', ['input', 'id']);
    const rows = await this.db.query(
      // Pending ones go now too; one in flight keeps its lease (it is being sent).
      `UPDATE webhook_delivery SET state = 'PENDING', next_attempt_at = now(), lease_until = CASE WHEN state = 'PENDING' THEN lease_until END
       WHERE webhook_id = $1 AND created_at >= $2 AND state IN ('DELIVERED', 'FAILED', 'PENDING') RETURNING id`,
      [webhookKey, since],
    );
    return rows.length;
  }

  private async checkedFilter(filter: WebhookFilterInput | null, problems: UserError[]) {
    let customerKey: string | null = null;
    if (filter?.customerId != null) {
      customerKey = keyOf(filter.customerId, 'Customer');
      if (!customerKey) problems.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'filter', 'customerId']));
      else {
        const [live] = await this.db.query<{ id: string }>(`SELECT coalesce(merged_into, id) AS id FROM customer WHERE id = $1`, [customerKey]);
        if (!live) problems.push(UserError.of(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'filter', 'customerId']));
        else customerKey = live.id;
      }
    }
    const kinds = filter?.kinds?.length ? [...new Set(filter.kinds)].filter((k) => Object.values(EventKind).includes(k)) : null;
    const channels = filter?.channels?.length ? [...new Set(filter.channels)].filter((c) => Object.values(Channel).includes(c)) : null;
    return { customerKey, kinds, channels };
  }
}

function topicProblems(topics: readonly WebhookTopic[], field: string[]): UserError[] {
  if (topics.length === 0) return [UserError.of(UserErrorCode.REQUIRED, 'Name at least one topic.', field)];
  return [];
}

