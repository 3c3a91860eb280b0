/**
 * Defaults of the WebSocket and subscription bounds; each can be changed in the environment
 * (src/app/config.ts), and the schema describes these defaults.
 */
export const DEFAULT_LIMITS = {
  /** Undelivered items a subscription may leave waiting when more arrive (SUBSCRIPTION_MAX_QUEUED). */
  maxQueued: 1000,
  /** Unsent bytes on one socket beyond which a new item ends its subscription (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: 8 * 1024 * 1024,
  /** Subscriptions one connection may hold at once (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  subscriptionsPerConnection: 100,
  /** Largest message a client may send (WS_MAX_PAYLOAD_BYTES); larger closes the socket with 1009. */
  maxPayloadBytes: 1024 * 1024,
  /** Time a new socket has to send connection_init (WS_CONNECTION_INIT_TIMEOUT_MS); then 4408. */
  connectionInitTimeoutMs: 3000,
  /** Events per query of a replay (SUBSCRIPTION_REPLAY_PAGE_SIZE). */
  replayPageSize: 500,
  /** Ping interval; a socket that does not answer within one more interval is cut off (WS_KEEPALIVE_MS). */
  keepAliveMs: 12_000,
} as const;

export const DEFAULT_SUBSCRIPTION_LIMITS_TEXT =
  `when new items arrive for a subscription whose client still has ${DEFAULT_LIMITS.maxQueued} earlier ones waiting ` +
  `(or whose socket holds more than ${DEFAULT_LIMITS.maxBufferedBytes / 1024 / 1024} MiB unsent), the server ends it with a graphql-ws error message ` +
  '(extensions.code RATE_LIMITED, extensions.reason SUBSCRIBER_TOO_SLOW; for timelineEventAdded, extensions.resumeAfter is the cursor to resume from without loss).';
