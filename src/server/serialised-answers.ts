import type { FormattedExecutionResult } from 'graphql';

/**
 * A subscription answer written as JSON once, however many subscribers it is sent to: each
 * subscriber's frame is its own short head (its subscription id) before this text. Text, not
 * bytes: the socket encodes a string as it writes it, outside the JavaScript heap, where a Buffer
 * per frame took a slice of Node's Buffer pool, and the pool's slabs set off V8's full
 * collections for "external memory pressure" every 10-15 s under fan-out.
 */
export class SerialisedAnswer {
  private frameEnd: string | null = null;

  constructor(readonly answer: FormattedExecutionResult) {}

  /** `,"payload":<the answer's JSON>}`, the end of a graphql-ws `next` frame, made on first use. */
  frameEndText(): string {
    return (this.frameEnd ??= `,"payload":${JSON.stringify(this.answer)}}`);
  }
}
