import type { FormattedExecutionResult } from 'graphql';

/**
 * A subscription answer written as JSON and encoded as UTF-8 once, however many subscribers it is
 * sent to: each subscriber's frame is its own short head (its subscription id) copied before these
 * bytes, not the answer's text encoded again.
 */
export class SerialisedAnswer {
  private frameEnd: Buffer | null = null;

  constructor(readonly answer: FormattedExecutionResult) {}

  /** `,"payload":<the answer's JSON>}`, the end of a graphql-ws `next` frame, made on first use. */
  frameEndBytes(): Buffer {
    return (this.frameEnd ??= Buffer.from(`,"payload":${JSON.stringify(this.answer)}}`));
  }
}
