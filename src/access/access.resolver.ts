import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { UserErrorCode, UserInputProblem, UserError, badUserInput } from '../core/errors';
import { ConnectionArgs, connectionFrom, pageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import { keyOf } from '../relay/global-id';
import type { AccessContext } from './access.context';
import { ApiKey, ApiKeyConnection, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload } from './api-key.types';
import { AuditEntryConnection } from './audit-entry.types';
import { ViewerInfo } from './viewer.types';

const KEY_CURSOR = 'ak1';
const AUDIT_CURSOR = 'au1';

@Resolver()
export class AccessResolver {
  @Query(() => ViewerInfo, { description: 'Who the credential of this request belongs to, and what it may do. Needs no scope.' })
  viewer(@Ctx() { viewer }: AccessContext): ViewerInfo {
    return Object.assign(new ViewerInfo(), { id: viewer.id, name: viewer.name, role: viewer.role, scopes: [...viewer.scopes].sort() });
  }

  @Authorized(Scope.ADMIN)
  @Query(() => ApiKeyConnection, { description: 'Every API key, newest first, revoked ones included. ADMIN.' })
  async apiKeys(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() { services }: AccessContext): Promise<ApiKeyConnection> {
    const page = pageRequest(args);
    if (page.direction === 'backward') throw badUserInput('API keys page forwards only; use `first` and `after`.', { argument: 'last' });
    const after = page.cursor ? decodeCursor(page.cursor, KEY_CURSOR, [/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/, /^[0-9a-f-]{36}$/]) : null;
    if (page.cursor && !after) throw badUserInput('`after` is not an API key cursor issued by this server.', { argument: 'after' });
    const rows = await services.apiKeys.list(page.size + 1, after ? { createdAt: after[0], id: after[1] } : null);
    return connectionFrom(rows, page, (row) => encodeCursor(KEY_CURSOR, row.created_at.toISOString(), row.id), (row) => ApiKey.fromRow(row, services.apiKeys.defaults));
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => CreateApiKeyPayload, { description: 'Create an API key. Its secret is in this answer and nowhere else, ever. ADMIN.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'The key to create.' }) input: CreateApiKeyInput, @Ctx() { services, viewer }: AccessContext): Promise<CreateApiKeyPayload> {
    try {
      const { row, secret } = await services.apiKeys.create({
        name: input.name,
        role: input.role ?? null,
        scopes: input.scopes ?? [],
        expiresAt: input.expiresAt ?? null,
        budget: input.budget ?? null,
        createdBy: viewer.id,
      });
      return { apiKey: ApiKey.fromRow(row, services.apiKeys.defaults), secret, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { apiKey: null, secret: null, userErrors: error.errors };
      throw error;
    }
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => RevokeApiKeyPayload, { description: 'Revoke an API key: it stops working at once on this server, and within 5 seconds on every other. ADMIN.' })
  async revokeApiKey(@Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput, @Ctx() { services }: AccessContext): Promise<RevokeApiKeyPayload> {
    const key = keyOf(input.id, 'ApiKey');
    if (!key) return { apiKey: null, userErrors: [UserError.of(UserErrorCode.INVALID, 'Not an API key id.', ['input', 'id'])] };
    const row = await services.apiKeys.revoke(key);
    if (!row) return { apiKey: null, userErrors: [UserError.of(UserErrorCode.NOT_FOUND, 'No API key has this id.', ['input', 'id'])] };
    services.authenticator.forget(row.id);
    return { apiKey: ApiKey.fromRow(row, services.apiKeys.defaults), userErrors: [] };
  }

  @Authorized(Scope.AUDIT_READ)
  @Query(() => AuditEntryConnection, { description: 'Who saw or changed which customer, newest first. AUDIT_READ.' })
  async auditLog(
    @Arg('customerId', () => ID, { nullable: true, description: 'Only entries about this customer (and customers merged into it).' }) customerId: string | null,
    @Arg('actorId', () => ID, { nullable: true, description: 'Only entries of this actor: an API key id, or a Viewer id.' }) actorId: string | null,
    @Arg('since', () => Date, { nullable: true, description: 'Only entries at or after this instant.' }) since: Date | null,
    @Arg('until', () => Date, { nullable: true, description: 'Only entries before this instant.' }) until: Date | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { services }: AccessContext,
  ): Promise<AuditEntryConnection> {
    const page = pageRequest(args);
    if (page.direction === 'backward') throw badUserInput('The audit log pages forwards only; use `first` and `after`.', { argument: 'last' });
    const customerKey = customerId == null ? null : keyOf(customerId, 'Customer');
    if (customerId != null && !customerKey) throw badUserInput('`customerId` is not a customer id.', { argument: 'customerId' });
    const before = page.cursor ? decodeCursor(page.cursor, AUDIT_CURSOR, [/^[1-9]\d{0,18}$/])?.[0] : null;
    if (page.cursor && !before) throw badUserInput('`after` is not an audit log cursor issued by this server.', { argument: 'after' });
    const entries = await services.auditLog.list({ customerKey, actorId, since, until }, page.size + 1, before ?? null);
    return connectionFrom(entries, page, (entry) => encodeCursor(AUDIT_CURSOR, keyOf(entry.id, 'AuditEntry')!), (entry) => entry);
  }
}
