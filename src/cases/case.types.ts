import { Authorized, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { Scope } from '../core/access-scopes';
import { Channel } from '../core/enums';
import { UserError } from '../core/errors';
import { connectionType } from '../relay/connection-type';
import { toGlobalId } from '../relay/global-id';
import { Node } from '../relay/node';

export enum CaseStatus {
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, {
  name: 'CaseStatus',
  description: 'Where a case stands.',
  valuesConfig: {
    OPEN: { description: 'Being worked on.' },
    PENDING: { description: 'Waiting on the customer or a third party.' },
    RESOLVED: { description: 'Solved. An inbound contact within CASE_REOPEN_WINDOW (24 h by default) reopens it.' },
    CLOSED: { description: 'Resolved longer ago than CASE_REOPEN_WINDOW, or closed by hand: a later contact opens a new case that follows it.' },
  },
});

/** Why an event is in its case: the rule that put it there, first match wins (README, "Cases"). */
export enum CaseRule {
  EXPLICIT = 'EXPLICIT',
  THREAD = 'THREAD',
  OPEN_CASE = 'OPEN_CASE',
  RECENTLY_RESOLVED = 'RECENTLY_RESOLVED',
  NEW_CASE = 'NEW_CASE',
  ABOUT_EVENT = 'ABOUT_EVENT',
  OPENED_WITH = 'OPENED_WITH',
  MOVED = 'MOVED',
}
registerEnumType(CaseRule, {
  name: 'CaseRule',
  description: 'How an event came to be in its case.',
  valuesConfig: {
    EXPLICIT: { description: 'The record input named the case (`caseId`).' },
    THREAD: { description: 'An earlier event of the same thread (`threadId`) is in it.' },
    OPEN_CASE: { description: "It was the customer's open or pending case." },
    RECENTLY_RESOLVED: { description: 'The case was resolved less than CASE_REOPEN_WINDOW before; an inbound interaction reopened it.' },
    NEW_CASE: { description: 'An inbound interaction that matched no case opened this one.' },
    ABOUT_EVENT: { description: 'A survey answer about an event of this case (`aboutEventId`).' },
    OPENED_WITH: { description: 'openCase was given this event.' },
    MOVED: { description: 'moveEventsToCase put it here.' },
  },
});

/** A `support_case` row (a key of it, as `to_jsonb` writes one, may hold its times as strings). */
export interface CaseRow {
  id: string;
  number: number;
  customer_id: string;
  follows_case_id: string | null;
  subject: string;
  status: CaseStatus;
  agent_id: string | null;
  opened_at: Date | string;
  first_response_at: Date | string | null;
  last_response_at: Date | string | null;
  resolved_at: Date | string | null;
  reopen_count: number;
  contact_count: number;
  channels: Channel[];
  last_activity_at: Date | string;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

export const CASE_COLUMNS = `sc.id, sc.number, sc.customer_id, sc.follows_case_id, sc.subject, sc.status, sc.agent_id, sc.opened_at,
  sc.first_response_at, sc.last_response_at, sc.resolved_at, sc.reopen_count, sc.contact_count, sc.channels, sc.last_activity_at,
  sc.version, sc.created_at, sc.updated_at`;

@ObjectType({ implements: Node, description: 'One issue of a customer, across every channel it came on: the calls, e-mails and messages about it, and how it was handled.' })
export class Case extends Node {
  key!: string;
  customerKey!: string;
  followsKey!: string | null;

  @Field(() => Int, { description: 'A short reference for people ("case 1042"), unique.' })
  number!: number;

  @Personal((found: Case) => `Case ${found.number}`)
  @Field({ description: 'What it is about: the first e-mail\'s subject, else a line such as "Message on Instagram"; "Case <number>" without PII_READ.' })
  subject!: string;

  @Field(() => CaseStatus, { description: 'Where it stands now. RESOLVED reads as CLOSED once CASE_REOPEN_WINDOW has passed.' })
  status!: CaseStatus;

  @Field(() => [Channel], { description: 'Every channel its events came on, in order of first use.' })
  channels!: Channel[];

  @Field({ description: 'When it was opened: its first interaction, or when openCase was called.' })
  openedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'The first response of the business: the first outbound e-mail or message, the moment an inbound call was answered (occurredAt + waitSeconds), or an answered outbound call, whichever came first. Missed and abandoned calls are contacts, not responses.',
  })
  firstResponseAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was last resolved; null while it is open or pending (a reopening clears it).' })
  resolvedAt!: Date | null;

  @Field(() => Int, { description: 'How often it was reopened after being resolved.' })
  reopenCount!: number;

  @Field(() => Int, { description: 'Inbound interactions in it: calls, e-mails and messages from the customer.' })
  contactCount!: number;

  @Field(() => Boolean, { nullable: true, description: 'Resolved at the first contact: at most one inbound interaction and never reopened. Null until resolved.' })
  firstContactResolution!: boolean | null;

  @Field(() => String, { nullable: true, description: "The agent working on it, in the source system's words; null when nobody is assigned." })
  agentId!: string | null;

  @Field(() => Int, { description: 'Starts at 1 and grows with every change; pass it as `expectedVersion` to change only what you read.' })
  version!: number;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  static fromRow(row: CaseRow, reopenWindowMs: number, now = Date.now()): Case {
    const found = new Case();
    found.id = toGlobalId('Case', row.id);
    found.key = row.id;
    found.customerKey = row.customer_id;
    found.followsKey = row.follows_case_id;
    found.number = row.number;
    found.subject = row.subject;
    found.resolvedAt = date(row.resolved_at);
    found.status = effectiveStatus(row.status, found.resolvedAt, reopenWindowMs, now);
    found.channels = row.channels;
    found.openedAt = date(row.opened_at)!;
    found.firstResponseAt = date(row.first_response_at);
    found.reopenCount = row.reopen_count;
    found.contactCount = row.contact_count;
    found.firstContactResolution = found.resolvedAt ? row.contact_count <= 1 && row.reopen_count === 0 : null;
    found.agentId = row.agent_id;
    found.version = row.version;
    found.updatedAt = date(row.updated_at)!;
    return found;
  }
}

/** A resolved case reads as closed once the reopen window has passed. */
export function effectiveStatus(status: CaseStatus, resolvedAt: Date | null, reopenWindowMs: number, at: number): CaseStatus {
  return status === CaseStatus.RESOLVED && resolvedAt && at >= resolvedAt.getTime() + reopenWindowMs ? CaseStatus.CLOSED : status;
}

function date(value: Date | string | null): Date | null {
  return value == null ? null : value instanceof Date ? value : new Date(value);
}

export const CaseConnection = connectionType<Case>({
  name: 'Case',
  node: () => Case,
  description: 'Cases, newest opened first.',
  edgeDescription: 'A case with its cursor.',
  nodeDescription: 'The case.',
});
export type CaseConnection = InstanceType<typeof CaseConnection>;

@InputType({ description: 'Open a case by hand, e.g. for an issue an agent noticed.' })
export class OpenCaseInput {
  @Field(() => ID, { description: 'The customer (a merged-away id opens it for the survivor).' })
  customerId!: string;

  @Field({ description: 'What it is about (1-200 characters).' })
  subject!: string;

  @Field(() => [ID], { nullable: true, description: "Events of this customer to put in it (at most 100); they leave the case they were in." })
  eventIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'The agent working on it (at most 200 characters).' })
  agentId?: string | null;
}

@InputType({ description: 'Change a case: its status, subject or agent. Only the fields given change.' })
export class UpdateCaseInput {
  @Field(() => ID, { description: 'The case.' })
  caseId!: string;

  @Field(() => CaseStatus, { nullable: true, description: 'The new status. RESOLVED stamps resolvedAt; OPEN or PENDING after RESOLVED or CLOSED is a reopening.' })
  status?: CaseStatus | null;

  @Field(() => String, { nullable: true, description: 'A new subject (1-200 characters).' })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: 'The agent working on it (at most 200 characters); null unassigns.' })
  agentId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Change only if the case is still at this version; otherwise a CONFLICT user error and nothing changes.' })
  expectedVersion?: number | null;
}

@InputType({ description: 'Put events in another case (re-threading what the rules grouped wrongly).' })
export class MoveEventsToCaseInput {
  @Field(() => ID, { description: 'The case to move them to.' })
  caseId!: string;

  @Field(() => [ID], { description: "Events of the case's customer (1 to 100); each leaves the case it was in, whose figures follow." })
  eventIds!: string[];
}

@ObjectType({ description: 'The result of a change to a case.' })
export class CasePayload {
  @Authorized(Scope.CUSTOMERS_READ)
  @Field(() => Case, { nullable: true, description: 'The case as it is now; null when there were user errors. CUSTOMERS_READ.' })
  case!: Case | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success. When not empty nothing was changed.' })
  userErrors!: UserError[];
}
