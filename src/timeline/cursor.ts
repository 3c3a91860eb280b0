import { badUserInput } from '../app/errors';

/** A keyset position in a timeline: the event's occurredAt (microseconds, UTC) and id. */
export interface TimelinePosition {
  occurredAt: string;
  id: string;
}

const PREFIX = 'tl1';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const EVENT_ID = /^[1-9][0-9]{0,18}$/;

export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(`${PREFIX}|${position.occurredAt}|${position.id}`, 'utf8').toString('base64url');
}

/** Reads a cursor this server issued; anything else is a BAD_USER_INPUT error, never a guess. */
export function decodeTimelineCursor(cursor: string, argument: string): TimelinePosition {
  const invalid = () => badUserInput(`\`${argument}\` is not a timeline cursor issued by this server.`, { argument });
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const [prefix, occurredAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (prefix !== PREFIX || rest.length > 0 || !TIMESTAMP.test(occurredAt ?? '') || !EVENT_ID.test(id ?? '')) throw invalid();
  if (Number.isNaN(Date.parse(occurredAt))) throw invalid();
  return { occurredAt, id };
}
