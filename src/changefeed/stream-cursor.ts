import { badUserInput } from '../core/errors';
import { decodeCursor, encodeCursor } from '../relay/cursor';

/**
 * `TimelineEvent.streamCursor`: an event's stream position (commit order over all customers),
 * opaque to clients. `timelineEventAdded(after:)` takes it to resume a subscription.
 */
const PREFIX = 'ts1';
const POSITION = /^(0|[1-9][0-9]{0,17})$/;

export function encodeStreamCursor(position: string | bigint): string {
  return encodeCursor(PREFIX, String(position));
}

/** The stream position a cursor names; anything this server did not issue is a BAD_USER_INPUT error. */
export function decodeStreamCursor(cursor: string, argument = 'after'): bigint {
  const fields = decodeCursor(cursor, PREFIX, [POSITION]);
  if (!fields) throw notAStreamCursor(argument);
  return BigInt(fields[0]);
}

export function notAStreamCursor(argument = 'after') {
  return badUserInput(`\`${argument}\` is not a stream cursor issued by this server; pass the \`streamCursor\` of the last event you received.`, { argument });
}
