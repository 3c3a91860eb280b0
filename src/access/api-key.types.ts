import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Role, Scope } from '../core/access-scopes';
import { UserError } from '../core/errors';
import { connectionType } from '../relay/connection-type';
import { toGlobalId } from '../relay/global-id';
import { Node } from '../relay/node';
import type { ApiKeyRow } from './api-keys.service';

@ObjectType({ description: 'The query budget of a credential: points it may hold, and points it gets back each second.' })
export class Budget {
  @Field(() => Int, { description: 'Points the bucket holds when full; also the largest cost one query of this credential may have.' })
  capacity!: number;

  @Field(() => Int, { description: 'Points that flow back each second.' })
  refillPerSecond!: number;
}

@InputType({ description: 'A budget of its own for a key.' })
export class BudgetInput {
  @Field(() => Int, { description: 'Points the bucket holds when full (at least 1).' })
  capacity!: number;

  @Field(() => Int, { description: 'Points that flow back each second (at least 1).' })
  refillPerSecond!: number;
}

@ObjectType({ implements: Node, description: 'A credential for a machine or a person. Its secret is shown once, when it is created, and stored only as a hash.' })
export class ApiKey extends Node {
  @Field({ description: 'What the key is for, as its creator named it.' })
  name!: string;

  @Field(() => Role, { nullable: true, description: 'The role the key carries, if any.' })
  role!: Role | null;

  @Field(() => [Scope], { description: 'Scopes given beside the role (the key has both).' })
  scopes!: Scope[];

  @Field({ description: 'The first and last characters of the secret, e.g. "ctk_…a1B2", to recognise it by.' })
  hint!: string;

  @Field(() => Budget, { description: 'Its query budget (its own, or the default for keys).' })
  budget!: Budget;

  @Field({ description: 'Who created it: the Viewer id of the admin, `cli` for the api-key command, `demo` for the embedded demo.' })
  createdBy!: string;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops working; null for never.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was last used, to within about 30 seconds; null when never.' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while it is not.' })
  revokedAt!: Date | null;

  /** `defaults`: the budget of keys that have none of their own. */
  static fromRow(row: ApiKeyRow, defaults: { capacity: number; refillPerSecond: number }): ApiKey {
    return Object.assign(new ApiKey(), {
      id: toGlobalId('ApiKey', row.id),
      name: row.name,
      role: row.role,
      scopes: row.scopes,
      hint: row.hint,
      budget: row.budget_capacity && row.budget_refill_per_second ? { capacity: row.budget_capacity, refillPerSecond: row.budget_refill_per_second } : defaults,
      createdBy: row.created_by,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    });
  }
}

export const ApiKeyConnection = connectionType<ApiKey>({
  name: 'ApiKey',
  node: () => ApiKey,
  description: 'API keys, newest first.',
  edgeDescription: 'An API key with its cursor.',
  nodeDescription: 'The key.',
});
export type ApiKeyConnection = InstanceType<typeof ApiKeyConnection>;

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field({ description: 'What it is for, e.g. "Zendesk sync" (1-100 characters).' })
  name!: string;

  @Field(() => Role, { nullable: true, description: 'The role it carries. Give a role, scopes, or both.' })
  role?: Role | null;

  @Field(() => [Scope], { nullable: true, description: 'Scopes beside the role.' })
  scopes?: Scope[] | null;

  @Field(() => Date, { nullable: true, description: 'When it stops working; never when omitted.' })
  expiresAt?: Date | null;

  @Field(() => BudgetInput, { nullable: true, description: 'A query budget of its own; the default for keys when omitted.' })
  budget?: BudgetInput | null;
}

@ObjectType({ description: 'The new key, and its secret, which is shown this once.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key; null on user errors.' })
  apiKey!: ApiKey | null;

  @Field(() => String, { nullable: true, description: 'The secret to send as `Authorization: Bearer <secret>`. Not stored, and never shown again.' })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}

@InputType({ description: 'The key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'Its id. Revoking it again keeps the first revocation time.' })
  id!: string;
}

@ObjectType({ description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key, now revoked; null on user errors.' })
  apiKey!: ApiKey | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  userErrors!: UserError[];
}
