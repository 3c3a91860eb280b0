import { GraphQLError } from 'graphql';
import { ErrorCode } from '../core/errors';

/** Why the server ended a subscription; sent as the graphql-ws `error` message's extensions.reason. */
export enum EndReason {
  SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW',
  CHANGE_FEED_INTERRUPTED = 'CHANGE_FEED_INTERRUPTED',
}

/** A timeline subscriber fell too far behind; it resumes from `resumeAfter`. */
export function timelineSubscriberTooSlow(limits: { maxQueued: number; maxBufferedBytes: number }, resumeAfter: string | null): GraphQLError {
  return new GraphQLError(
    `This subscription still had ${limits.maxQueued} events waiting for its client when more arrived (or more than ${mebibytes(limits.maxBufferedBytes)} unsent on its socket), so the server ended it rather than buffer without bound. ` +
      `Subscribe again with \`after: "${resumeAfter ?? ''}"\` (extensions.resumeAfter) to receive everything since, without loss or repeats.`,
    { extensions: { code: ErrorCode.RATE_LIMITED, reason: EndReason.SUBSCRIBER_TOO_SLOW, resumeAfter, limit: limits.maxQueued } },
  );
}

/** A customerChanged subscriber fell too far behind; changes have no cursor, so it re-reads. */
export function changeSubscriberTooSlow(limits: { maxQueued: number; maxBufferedBytes: number }): GraphQLError {
  return new GraphQLError(
    `This subscription still had ${limits.maxQueued} changes waiting for its client when more arrived (or more than ${mebibytes(limits.maxBufferedBytes)} unsent on its socket), so the server ended it rather than buffer without bound. ` +
      'Re-read the customers you follow and subscribe again.',
    { extensions: { code: ErrorCode.RATE_LIMITED, reason: EndReason.SUBSCRIBER_TOO_SLOW, limit: limits.maxQueued } },
  );
}

/** The process lost its LISTEN connection; customer changes made meanwhile cannot be replayed. */
export function changeFeedInterrupted(): GraphQLError {
  return new GraphQLError(
    "The server's connection to the change feed was interrupted, so changes made meanwhile may not be announced. Re-read the customers you follow and subscribe again.",
    { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, reason: EndReason.CHANGE_FEED_INTERRUPTED } },
  );
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}
