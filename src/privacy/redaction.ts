import { EventKind, type Direction } from '../core/enums';
import { ERASED_DISPLAY_NAME } from '../customers/customer.types';
import { summarise, summariseWithoutPersonalText } from '../timeline/summary';

/** What an erased required text field reads as (an address, a handle, an order number). */
export const ERASED_VALUE = '[erased]';

/**
 * The details an erased event keeps: what metrics and counts are made of (outcome, durations,
 * amounts, status, scores, the platform and thread an interaction came on, the event a survey is
 * about). Everything else is dropped: numbers and addresses, handles, texts, subjects, bodies,
 * transcripts, recording links, message ids, order numbers and lines, comments.
 */
const KEPT: Record<EventKind, readonly string[]> = {
  [EventKind.CALL]: ['outcome', 'waitSeconds', 'durationSeconds'],
  [EventKind.EMAIL]: ['threadId'],
  [EventKind.SOCIAL_MESSAGE]: ['platform', 'threadId'],
  [EventKind.PURCHASE]: ['status', 'total'],
  [EventKind.SURVEY_RESPONSE]: ['survey', 'score', 'scaleMax', 'aboutEventId'],
  [EventKind.REVIEW]: ['platform', 'rating', 'scaleMax'],
};

/** Fields the API declares non-null: they read as a placeholder rather than disappear. */
const PLACEHOLDERS: Partial<Record<EventKind, Record<string, unknown>>> = {
  [EventKind.EMAIL]: { fromAddress: ERASED_VALUE, toAddresses: [] },
  [EventKind.SOCIAL_MESSAGE]: { handle: ERASED_VALUE },
  [EventKind.PURCHASE]: { orderNumber: ERASED_VALUE, items: [] },
};

/**
 * `orderPlaceholder` names each of the person's orders apart ("[erased order 2]"), so that the
 * events of one order still make one order, and orders, lifetime value and metrics do not move.
 */
export function redactedDetails(kind: EventKind, details: Record<string, unknown>, orderPlaceholder: (orderNumber: unknown) => string = () => ERASED_VALUE): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const name of Object.keys(details)) redacted[name] = KEPT[kind].includes(name) ? details[name] : null;
  const placeholders = kind === EventKind.PURCHASE ? { ...PLACEHOLDERS[kind], orderNumber: orderPlaceholder(details.orderNumber) } : PLACEHOLDERS[kind];
  return { ...redacted, ...placeholders };
}

/** Numbers the orders of one erasure in the order they are met. */
export function orderPlaceholders(): (orderNumber: unknown) => string {
  const numbers = new Map<unknown, number>();
  return (orderNumber) => {
    if (!numbers.has(orderNumber)) numbers.set(orderNumber, numbers.size + 1);
    return `[erased order ${numbers.get(orderNumber)}]`;
  };
}

/** The summary of an erased event: what kind of contact, how it went, never what was said. */
export function erasedSummary(kind: EventKind, direction: Direction | null, redacted: Record<string, any>): string {
  switch (kind) {
    case EventKind.CALL:
      return summarise(kind, direction, redacted);
    case EventKind.PURCHASE:
      return `Order ${String(redacted.status).toLowerCase()}, ${redacted.total.amount} ${redacted.total.currency}`;
    default:
      return summariseWithoutPersonalText(kind, direction, redacted);
  }
}

/** A profile snapshot of the merge ledger, as it reads once its customer is erased. */
export function redactedSnapshot(snapshot: Record<string, any>): Record<string, unknown> {
  return {
    ...snapshot,
    display_name: ERASED_DISPLAY_NAME,
    given_name: null,
    family_name: null,
    locale: null,
    time_zone: null,
    preferred_channel: null,
    language: null,
    contact_hours: null,
    notes: [],
    consents: ((snapshot.consents ?? []) as Record<string, unknown>[]).map((consent) => ({ ...consent, source: null })),
  };
}
