import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Personal } from '../access/personal-data';
import { connectionType } from '../relay/connection-type';
import { CaseChangeKind } from './case-history';
import { CaseRule, CaseStatus } from './case.types';

registerEnumType(CaseChangeKind, {
  name: 'CaseChangeKind',
  description: 'What one entry of a case history changed.',
  valuesConfig: {
    OPENED: { description: 'The case was opened (by an inbound contact, or by openCase).' },
    STATUS: { description: 'Its status was set (updateCase, or CLOSED once a resolved case passed its reopen window).' },
    REOPENED: { description: 'An inbound contact after its resolution reopened it.' },
    SUBJECT: { description: 'Its subject changed.' },
    AGENT: { description: 'Its agent changed.' },
    EVENT_ADDED: { description: 'An event joined it.' },
    EVENT_REMOVED: { description: 'An event left it (moved to another case).' },
  },
});

/** A case_history row as read. */
export interface CaseHistoryRow {
  id: string;
  case_id: string;
  at: Date;
  recorded_at: Date;
  change: CaseChangeKind;
  status: CaseStatus | null;
  value: string | null;
  event_id: string | null;
  rule: CaseRule | null;
  actor: string;
  customer_id: string;
}

@ObjectType({ description: 'One change to a case. The history is append-only; every figure of the case is worked out from it and from the events in the case.' })
export class CaseHistoryEntry {
  /** Database keys; not exposed. */
  customerKey!: string;

  @Field({ description: 'When the change took effect: the interaction\'s time for what the rules did, else when it was made.' })
  at!: Date;

  @Field({ description: 'When it was written down.' })
  recordedAt!: Date;

  @Field(() => CaseChangeKind, { description: 'What changed.' })
  change!: CaseChangeKind;

  @Field(() => CaseStatus, { nullable: true, description: 'OPENED, STATUS, REOPENED: the status after it.' })
  status!: CaseStatus | null;

  @Personal((entry: CaseHistoryEntry) => (entry.change === CaseChangeKind.SUBJECT || entry.change === CaseChangeKind.OPENED ? null : entry.value))
  @Field(() => String, { nullable: true, description: 'SUBJECT and OPENED: the subject (null without PII_READ); AGENT: the agent.' })
  value!: string | null;

  @Field(() => ID, { nullable: true, description: 'EVENT_ADDED and EVENT_REMOVED: the event.' })
  eventId!: string | null;

  @Field(() => CaseRule, { nullable: true, description: 'EVENT_ADDED: the rule that put the event there.' })
  rule!: CaseRule | null;

  @Field({ description: 'Who made the change: a Viewer id, or "rule" for the case rules.' })
  actor!: string;
}

export const CaseHistoryConnection = connectionType<CaseHistoryEntry>({
  name: 'CaseHistory',
  node: () => CaseHistoryEntry,
  description: 'The changes of a case, oldest first.',
  edgeDescription: 'A change with its cursor.',
  nodeDescription: 'The change.',
});
export type CaseHistoryConnection = InstanceType<typeof CaseHistoryConnection>;
