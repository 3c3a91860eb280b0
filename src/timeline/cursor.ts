import { badUserInput } from '../core/errors';
import { decodeCursor, encodeCursor } from '../relay/cursor';

/** A keyset position in a timeline: the event's occurredAt (microseconds, UTC) and id. */
export interface TimelinePosition {
  occurredAt: string;
  id: string;
}

const PREFIX = 'tl1';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const EVENT_ID = /^[1-9][0-9]{0,18}$/;

export function encodeTimelineCursor(position: TimelinePosition): string {
  return encodeCursor(PREFIX, position.occurredAt, position.id);
}

/** Reads a cursor this server issued; anything else is a BAD_USER_INPUT error, never a guess. */
export function decodeTimelineCursor(cursor: string, argument: string): TimelinePosition {
  const fields = decodeCursor(cursor, PREFIX, [TIMESTAMP, EVENT_ID]);
  if (!fields || Number.isNaN(Date.parse(fields[0]))) {
    throw badUserInput(`\`${argument}\` is not a timeline cursor issued by this server.`, { argument });
  }
  return { occurredAt: fields[0], id: fields[1] };
}
