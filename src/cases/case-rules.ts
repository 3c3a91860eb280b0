import { randomUUID } from 'node:crypto';
import { Channel, Direction, EventKind } from '../core/enums';
import { summariseWithoutPersonalText } from '../timeline/summary';
import { CaseChangeKind, type CaseChange } from './case-history';
import { CaseRule, CaseStatus, effectiveStatus } from './case.types';

/** What the rules know of an interaction being recorded. */
export interface Interaction {
  /** Its place in the batch. */
  index: number;
  customerKey: string;
  kind: EventKind;
  channel: Channel;
  direction: Direction | null;
  occurredAt: Date;
  threadId: string | null;
  /** The case the input named (`caseId`), already checked to be this customer's. */
  explicitCaseKey: string | null;
  /** A survey answer's `aboutEventId`: that event's case, when it has one. */
  aboutCaseKey: string | null;
  subject: string | null;
  platform: string | null;
  agentId: string | null;
  details: Record<string, unknown>;
}

/** A case as the rules see it while they place a batch. */
export interface CaseState {
  key: string;
  customerKey: string;
  status: CaseStatus;
  openedAt: Date;
  resolvedAt: Date | null;
  /** Made by this batch (to be inserted before its events). */
  created?: { subject: string; agentId: string | null; followsKey: string | null };
}

export interface Placement {
  caseKey: string;
  rule: CaseRule;
}

const INTERACTIONS = new Set([EventKind.CALL, EventKind.EMAIL, EventKind.SOCIAL_MESSAGE]);

/**
 * The case rules, first match wins, applied to a batch in its order so that a batch places its
 * events as the same calls one by one would:
 * 1. the case the input names (`caseId`);
 * 2. the case of an earlier event of the same thread (`threadId`), unless it is closed;
 * 3. the customer's OPEN or PENDING case (the latest opened);
 * 4. the customer's case RESOLVED less than the reopen window before the interaction;
 * 5. else an inbound interaction opens a new case, following the customer's last closed one; an
 *    outbound one joins none.
 * An inbound interaction after a case's resolution reopens it (rules 1, 2, 4). Purchases and
 * reviews join a case only when the input names one; a survey answer joins the case of the event
 * it is about. A resolved case found past its window is closed when it stopped being reopenable.
 */
export class CaseRules {
  readonly changes: CaseChange[] = [];
  private readonly cases = new Map<string, CaseState>();
  private readonly byCustomer = new Map<string, CaseState[]>();
  private readonly made: CaseState[] = [];
  private readonly threads = new Map<string, string>();

  constructor(
    private readonly reopenWindowMs: number,
    known: readonly CaseState[],
    /** The case of the latest event of each (customer, thread) before this batch. */
    threads: readonly { customerKey: string; threadId: string; caseKey: string }[],
  ) {
    for (const state of known) this.remember({ ...state });
    for (const thread of threads) this.threads.set(threadKey(thread.customerKey, thread.threadId), thread.caseKey);
  }

  /** Cases this batch made, to insert before the events that reference them. */
  get created(): CaseState[] {
    return this.made;
  }

  /** The cases of a customer as the rules see them now. */
  casesOf(customerKey: string): readonly CaseState[] {
    return this.byCustomer.get(customerKey) ?? [];
  }

  private remember(state: CaseState): void {
    this.cases.set(state.key, state);
    const list = this.byCustomer.get(state.customerKey);
    if (list) list.push(state);
    else this.byCustomer.set(state.customerKey, [state]);
    if (state.created) this.made.push(state);
  }

  /** A status an agent set (the demo data's resolutions): recorded like updateCase would. */
  setStatus(caseKey: string, status: CaseStatus, at: Date, actor: string): void {
    const state = this.cases.get(caseKey)!;
    state.status = status;
    state.resolvedAt = status === CaseStatus.RESOLVED ? at : status === CaseStatus.OPEN || status === CaseStatus.PENDING ? null : state.resolvedAt;
    this.changes.push({ caseKey, at, change: CaseChangeKind.STATUS, status, actor });
  }

  place(interaction: Interaction): Placement | null {
    const placement = this.choose(interaction);
    if (placement && interaction.threadId) this.threads.set(threadKey(interaction.customerKey, interaction.threadId), placement.caseKey);
    return placement;
  }

  private choose(interaction: Interaction): Placement | null {
    const at = interaction.occurredAt;
    const inbound = interaction.direction === Direction.INBOUND;
    if (interaction.explicitCaseKey) {
      const state = this.cases.get(interaction.explicitCaseKey)!;
      if (INTERACTIONS.has(interaction.kind) && inbound) this.reopenIfResolved(state, at, true);
      return { caseKey: state.key, rule: CaseRule.EXPLICIT };
    }
    if (!INTERACTIONS.has(interaction.kind)) {
      return interaction.kind === EventKind.SURVEY_RESPONSE && interaction.aboutCaseKey ? { caseKey: interaction.aboutCaseKey, rule: CaseRule.ABOUT_EVENT } : null;
    }
    let follows: string | null = null;
    if (interaction.threadId) {
      const key = this.threads.get(threadKey(interaction.customerKey, interaction.threadId));
      const state = key ? this.cases.get(key) : undefined;
      if (state) {
        if (this.takes(state, at)) {
          if (inbound) this.reopenIfResolved(state, at, false);
          return { caseKey: state.key, rule: CaseRule.THREAD };
        }
        follows = state.key;
      }
    }
    const mine = [...this.casesOf(interaction.customerKey)];
    const open = mine.filter((state) => state.status === CaseStatus.OPEN || state.status === CaseStatus.PENDING).sort(byOpened).at(-1);
    if (open) return { caseKey: open.key, rule: CaseRule.OPEN_CASE };
    const resolved = mine
      .filter((state) => state.status === CaseStatus.RESOLVED && this.takes(state, at))
      .sort((a, b) => a.resolvedAt!.getTime() - b.resolvedAt!.getTime())
      .at(-1);
    if (resolved) {
      if (inbound) this.reopenIfResolved(resolved, at, false);
      return { caseKey: resolved.key, rule: CaseRule.RECENTLY_RESOLVED };
    }
    if (!inbound) return null;
    for (const state of mine) this.closeIfPast(state, at);
    follows ??= mine.sort(byOpened).at(-1)?.key ?? null;
    const created: CaseState = {
      key: randomUUID(),
      customerKey: interaction.customerKey,
      status: CaseStatus.OPEN,
      openedAt: at,
      resolvedAt: null,
      created: { subject: subjectOf(interaction), agentId: interaction.agentId, followsKey: follows },
    };
    this.remember(created);
    this.changes.push({ caseKey: created.key, at, change: CaseChangeKind.OPENED, status: CaseStatus.OPEN, value: created.created!.subject, actor: 'rule' });
    if (interaction.agentId) this.changes.push({ caseKey: created.key, at, change: CaseChangeKind.AGENT, value: interaction.agentId, actor: 'rule' });
    return { caseKey: created.key, rule: CaseRule.NEW_CASE };
  }

  /** Whether a case can still take an interaction at `at`: open, pending, or resolved within the window. */
  private takes(state: CaseState, at: Date): boolean {
    if (state.status === CaseStatus.OPEN || state.status === CaseStatus.PENDING) return true;
    return state.status === CaseStatus.RESOLVED && effectiveStatus(state.status, state.resolvedAt, this.reopenWindowMs, at.getTime()) === CaseStatus.RESOLVED;
  }

  /** An inbound interaction after the resolution reopens the case (a named case even once closed). */
  private reopenIfResolved(state: CaseState, at: Date, evenIfClosed: boolean): void {
    const resolved = state.status === CaseStatus.RESOLVED || (evenIfClosed && state.status === CaseStatus.CLOSED);
    if (!resolved || (state.resolvedAt && at.getTime() < state.resolvedAt.getTime())) return;
    state.status = CaseStatus.OPEN;
    state.resolvedAt = null;
    this.changes.push({ caseKey: state.key, at, change: CaseChangeKind.REOPENED, status: CaseStatus.OPEN, actor: 'rule' });
  }

  /** A resolved case whose window has passed is closed, as of the moment it passed. */
  private closeIfPast(state: CaseState, at: Date): void {
    if (state.status !== CaseStatus.RESOLVED || !state.resolvedAt) return;
    const closesAt = state.resolvedAt.getTime() + this.reopenWindowMs;
    if (at.getTime() < closesAt || Date.now() < closesAt) return;
    state.status = CaseStatus.CLOSED;
    this.changes.push({ caseKey: state.key, at: new Date(closesAt), change: CaseChangeKind.STATUS, status: CaseStatus.CLOSED, actor: 'rule' });
  }
}

function threadKey(customerKey: string, threadId: string): string {
  return `${customerKey}\u0000${threadId}`;
}

function byOpened(a: CaseState, b: CaseState): number {
  return a.openedAt.getTime() - b.openedAt.getTime();
}

/** A new case's subject: the e-mail's subject, else what kind of contact opened it ("Phone call", "Message on Instagram"). */
function subjectOf(interaction: Interaction): string {
  if (interaction.kind === EventKind.EMAIL && interaction.subject) return interaction.subject.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (interaction.kind === EventKind.CALL) return interaction.channel === Channel.VIDEO ? 'Video call' : 'Phone call';
  return summariseWithoutPersonalText(interaction.kind, interaction.direction, interaction.details).slice(0, 200);
}
