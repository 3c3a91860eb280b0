import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { UserErrorCode, UserInputProblem, UserError, badUserInput } from '../core/errors';
import { UNSTORABLE_TEXT_MESSAGE, findUnstorableText } from '../core/storable-text';
import { can } from '../core/viewer';
import { ConnectionArgs, connectionFrom, pageRequest, type PageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import { keyOf } from '../relay/global-id';
import { deliveryFromRow, webhookFromRow } from './webhook-rows';
import {
  CreateWebhookInput,
  DeleteWebhookInput,
  RedeliverWebhookDeliveryInput,
  ReplayWebhookInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  Webhook,
  WebhookConnection,
  WebhookDeliveryConnection,
  WebhookPayload,
  WebhookRedeliveryPayload,
} from './webhook.types';
import type { WebhooksContext } from './webhooks.context';

const WEBHOOK_CURSOR = 'wh1';
const DELIVERY_CURSOR = 'wd1';
const CURSOR_FIELDS = [/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/, /^[0-9a-f-]{36}$/];

function forwardCursor(page: PageRequest, prefix: string, what: string): { createdAt: string; id: string } | null {
  if (page.direction === 'backward') throw badUserInput(`${what} page forwards only; use \`first\` and \`after\`.`, { argument: 'last' });
  if (!page.cursor) return null;
  const fields = decodeCursor(page.cursor, prefix, CURSOR_FIELDS);
  if (!fields) throw badUserInput(`\`after\` is not a ${what.toLowerCase()} cursor issued by this server.`, { argument: 'after' });
  return { createdAt: fields[0], id: fields[1] };
}

/** The webhook key of an input id, or the user error that says it is not one. */
function webhookKey(id: string): string {
  const key = keyOf(id, 'Webhook');
  if (!key) throw UserInputProblem.one(UserErrorCode.INVALID, 'Not a webhook id.', ['input', 'id']);
  return key;
}

/** Text PostgreSQL cannot store, anywhere in an input, is the user error of its field. */
function refuseUnstorable(input: object): void {
  const path = findUnstorableText(input);
  if (path) throw UserInputProblem.one(UserErrorCode.INVALID, `\`${path.join('.')}\` ${UNSTORABLE_TEXT_MESSAGE}.`, ['input', ...path]);
}

async function payload(work: () => Promise<{ webhook: Webhook; secret?: string | null }>): Promise<WebhookPayload> {
  try {
    const { webhook, secret } = await work();
    return { webhook, secret: secret ?? null, userErrors: [] };
  } catch (error) {
    if (error instanceof UserInputProblem) return { webhook: null, secret: null, userErrors: error.errors };
    throw error;
  }
}

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => WebhookConnection, { description: 'Every webhook, newest first (deleted ones are gone). ADMIN.' })
  async webhooks(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { services }: WebhooksContext): Promise<WebhookConnection> {
    const page = pageRequest(args);
    const after = forwardCursor(page, WEBHOOK_CURSOR, 'Webhooks');
    const rows = await services.webhooks.list(page.size + 1, after);
    return connectionFrom(rows, page, (row) => encodeCursor(WEBHOOK_CURSOR, row.created_at.toISOString(), row.id), webhookFromRow);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its deliveries, newest first: each POST attempt, its status, the next attempt and the last error.' })
  async deliveries(@Root() webhook: Webhook, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { services }: WebhooksContext): Promise<WebhookDeliveryConnection> {
    const page = pageRequest(args);
    if (page.direction === 'backward') throw badUserInput('Deliveries page forwards only; use `first` and `after`.', { argument: 'last' });
    const before = page.cursor ? decodeCursor(page.cursor, DELIVERY_CURSOR, [/^[1-9]\d{0,18}$/])?.[0] : null;
    if (page.cursor && !before) throw badUserInput('`after` is not a deliveries cursor issued by this server.', { argument: 'after' });
    const rows = await services.webhooks.deliveries(webhook.webhookKey, page.size + 1, before ?? null);
    return connectionFrom(rows, page, (row) => encodeCursor(DELIVERY_CURSOR, row.id), deliveryFromRow);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookPayload, {
    description:
      'Create a webhook. Its signing secret is in this answer (when it made one) and nowhere else. Its payloads carry personal values only when the creator has PII_READ. ADMIN.',
  })
  createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'The webhook to create.' }) input: CreateWebhookInput, @Ctx() { services, viewer }: WebhooksContext): Promise<WebhookPayload> {
    return payload(async () => {
      refuseUnstorable(input);
      const { row, secret } = await services.webhooks.create({
        url: input.url,
        topics: input.topics,
        secret: input.secret ?? null,
        filter: input.filter ?? null,
        createdBy: viewer.id,
        includesPersonalData: can(viewer, Scope.PII_READ),
      });
      return { webhook: webhookFromRow(row), secret };
    });
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookPayload, { description: 'Resume, pause, retarget or change the topics of a webhook. ADMIN.' })
  updateWebhook(@Arg('input', () => UpdateWebhookInput, { description: 'The change.' }) input: UpdateWebhookInput, @Ctx() { services }: WebhooksContext): Promise<WebhookPayload> {
    return payload(async () => {
      refuseUnstorable(input);
      return { webhook: webhookFromRow(await services.webhooks.update(webhookKey(input.id), input)) };
    });
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookPayload, { description: 'Delete a webhook: nothing more is sent to it, and its pending deliveries are cancelled. ADMIN.' })
  deleteWebhook(@Arg('input', () => DeleteWebhookInput, { description: 'The webhook to delete.' }) input: DeleteWebhookInput, @Ctx() { services }: WebhooksContext): Promise<WebhookPayload> {
    return payload(async () => ({ webhook: webhookFromRow(await services.webhooks.delete(webhookKey(input.id))) }));
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookPayload, { description: 'A new signing secret, in this answer only; the old one signs too (a second `v1=`) for `graceSeconds`. ADMIN.' })
  rotateWebhookSecret(@Arg('input', () => RotateWebhookSecretInput, { description: 'The webhook and the grace period.' }) input: RotateWebhookSecretInput, @Ctx() { services }: WebhooksContext): Promise<WebhookPayload> {
    return payload(async () => {
      const { row, secret } = await services.webhooks.rotateSecret(webhookKey(input.id), input.graceSeconds ?? null);
      return { webhook: webhookFromRow(row), secret };
    });
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookRedeliveryPayload, { description: 'Send one delivery again, with the same `X-Timeline-Delivery` id, in its place in its customer\'s order. ADMIN.' })
  async redeliverWebhookDelivery(
    @Arg('input', () => RedeliverWebhookDeliveryInput, { description: 'The delivery.' }) input: RedeliverWebhookDeliveryInput,
    @Ctx() { services }: WebhooksContext,
  ): Promise<WebhookRedeliveryPayload> {
    const key = keyOf(input.deliveryId, 'WebhookDelivery');
    if (!key) return { deliveries: 0, userErrors: [UserError.of(UserErrorCode.INVALID, 'Not a webhook delivery id.', ['input', 'deliveryId'])] };
    try {
      return { deliveries: await services.webhooks.redeliver(key), userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { deliveries: 0, userErrors: error.errors };
      throw error;
    }
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookRedeliveryPayload, { description: 'Send a webhook every delivery written since a point in time again, in order, each with its own id. ADMIN.' })
  async replayWebhook(@Arg('input', () => ReplayWebhookInput, { description: 'The webhook and the point in time.' }) input: ReplayWebhookInput, @Ctx() { services }: WebhooksContext): Promise<WebhookRedeliveryPayload> {
    try {
      return { deliveries: await services.webhooks.replay(webhookKey(input.id), input.since), userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { deliveries: 0, userErrors: error.errors };
      throw error;
    }
  }
}
