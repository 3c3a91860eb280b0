import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../relay/node';
import { connectionType } from '../relay/connection-type';
import { ViewerInfo } from './viewer.types';

export enum AuditAction {
  READ = 'READ',
  WRITE = 'WRITE',
  EXPORT = 'EXPORT',
  ERASE = 'ERASE',
  MERGE = 'MERGE',
  UNMERGE = 'UNMERGE',
}
registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audited operation did with a customer.',
  valuesConfig: {
    READ: { description: "An answer showed the customer's personal data in clear." },
    WRITE: { description: 'A write: profile, identifiers, preferences, events.' },
    EXPORT: { description: 'customerExport.' },
    ERASE: { description: 'eraseCustomer.' },
    MERGE: { description: 'mergeCustomers (one entry per customer of the pair).' },
    UNMERGE: { description: 'unmergeCustomers (one entry per customer of the pair).' },
  },
});

export enum AuditOutcome {
  OK = 'OK',
  USER_ERROR = 'USER_ERROR',
  FORBIDDEN = 'FORBIDDEN',
  FAILED = 'FAILED',
}
registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'How an audited operation ended.',
  valuesConfig: {
    OK: { description: 'It did what was asked.' },
    USER_ERROR: { description: 'It answered userErrors and wrote nothing.' },
    FORBIDDEN: { description: 'The credential lacked a scope it needs; nothing ran.' },
    FAILED: { description: 'It failed (a timeout, the database, an internal error); what it wrote was rolled back.' },
  },
});

@ObjectType({ implements: Node, description: 'One audited access to a customer. Holds no personal values; cannot be changed.' })
export class AuditEntry extends Node {
  @Field({ description: 'When it happened.' })
  at!: Date;

  @Field(() => ViewerInfo, { description: 'Who did it, as their credential was then.' })
  actor!: ViewerInfo;

  @Field(() => AuditAction, { description: 'What was done.' })
  action!: AuditAction;

  @Field(() => ID, { nullable: true, description: 'The customer concerned; null for a write that named none (e.g. refused input).' })
  customerId!: string | null;

  @Field(() => String, { nullable: true, description: 'The GraphQL operation name the client gave, if any.' })
  operationName!: string | null;

  @Field({ description: 'The root field that did it, e.g. "upsertCustomer" or "customerByIdentifier".' })
  field!: string;

  @Field(() => AuditOutcome, { description: 'How it ended.' })
  outcome!: AuditOutcome;

  @Field(() => String, { nullable: true, description: "The operator's reason for an erasure, as given to eraseCustomer; null otherwise." })
  reason!: string | null;
}

export const AuditEntryConnection = connectionType<AuditEntry>({
  name: 'AuditEntry',
  node: () => AuditEntry,
  description: 'Audit entries, newest first.',
  edgeDescription: 'An audit entry with its cursor.',
  nodeDescription: 'The entry.',
});
export type AuditEntryConnection = InstanceType<typeof AuditEntryConnection>;
