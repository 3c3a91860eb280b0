import { SUBSCRIPTION_DEFAULTS } from '../core/config';

/** How the schema describes the subscription bounds, with their defaults. */
export const DEFAULT_SUBSCRIPTION_LIMITS_TEXT =
  `when new items arrive for a subscription whose client still has ${SUBSCRIPTION_DEFAULTS.maxQueued} earlier ones waiting ` +
  `(or whose socket holds more than ${SUBSCRIPTION_DEFAULTS.maxBufferedBytes / 1024 / 1024} MiB unsent), the server ends it with a graphql-ws error message ` +
  '(extensions.code RATE_LIMITED, extensions.reason SUBSCRIBER_TOO_SLOW; for timelineEventAdded, extensions.resumeAfter is the cursor to resume from without loss).';
