import { Field, InputType } from 'type-graphql';
import { Channel, EventKind } from '../core/enums';
import { badUserInput } from '../core/errors';

@InputType({ description: 'Narrows a timeline. Every given condition must hold.' })
export class TimelineFilter {
  @Field(() => [EventKind], { nullable: true, description: 'Only events of these kinds; null or empty for all kinds.' })
  kinds?: EventKind[] | null;

  @Field(() => [Channel], { nullable: true, description: 'Only events on these channels; null or empty for all channels.' })
  channels?: Channel[] | null;

  @Field(() => Date, { nullable: true, description: 'Only events that occurred at or after this instant (inclusive).' })
  since?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only events that occurred before this instant (exclusive); must not be earlier than `since`.' })
  until?: Date | null;
}

/** The fields of an event a filter looks at. */
export interface FilteredEvent {
  kind: EventKind;
  channel: Channel;
  occurredAt: Date;
}

/** A filter whose `since` is after its `until` matches nothing and is refused as a mistake. */
export function checkTimelineFilter(filter: TimelineFilter | null | undefined): void {
  if (filter?.since && filter.until && filter.since > filter.until) {
    throw badUserInput('`filter.since` must not be after `filter.until`.', { argument: 'filter' });
  }
}

/**
 * SQL conditions on `timeline_event e` for a filter, appending their values to `params`: for
 * timeline pages and subscription replays. `matchesTimelineFilter` is its twin for live events;
 * a test holds the two to the same answers.
 */
export function timelineFilterConditions(filter: TimelineFilter | null, params: unknown[]): string[] {
  checkTimelineFilter(filter);
  const conditions: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filter?.kinds?.length) add((p) => `e.kind = ANY(${p}::text[])`, filter.kinds);
  if (filter?.channels?.length) add((p) => `e.channel = ANY(${p}::text[])`, filter.channels);
  if (filter?.since) add((p) => `e.occurred_at >= ${p}`, filter.since);
  if (filter?.until) add((p) => `e.occurred_at < ${p}`, filter.until);
  return conditions;
}

/** Whether a live event passes the filter: the same rule as timelineFilterConditions. */
export function matchesTimelineFilter(event: FilteredEvent, filter: TimelineFilter | null): boolean {
  if (!filter) return true;
  if (filter.kinds?.length && !filter.kinds.includes(event.kind)) return false;
  if (filter.channels?.length && !filter.channels.includes(event.channel)) return false;
  if (filter.since && event.occurredAt.getTime() < filter.since.getTime()) return false;
  if (filter.until && event.occurredAt.getTime() >= filter.until.getTime()) return false;
  return true;
}
