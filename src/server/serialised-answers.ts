import type { FormattedExecutionResult } from 'graphql';

/** How graphql-ws's `next` frame ends when its payload is a SerialisedAnswer: the placeholder, JSON-escaped. */
const PLACEHOLDER = '\u0000';
const FRAME_TAIL = `,"payload":${JSON.stringify(PLACEHOLDER)}}`;

/** The answer whose placeholder was written last; its bytes are taken by the frame that follows. */
let placed: SerialisedAnswer | null = null;

/**
 * A subscription answer written as JSON once, however many subscribers it is sent to.
 *
 * graphql-ws writes each frame with JSON.stringify, so a payload's JSON cannot be handed to it
 * ready-made. This payload writes itself as a placeholder string instead, and the socket's send
 * (writeFramesByTurn) puts the answer's bytes in its place with `withAnswerBytes`: graphql-ws
 * stringifies a frame and sends it in the same synchronous step, so the bytes always belong to
 * that frame. The bytes are UTF-8 once for all: each subscriber's frame is its own short head
 * (its subscription id) copied before them, not the answer's text encoded again.
 */
export class SerialisedAnswer {
  private frameEnd: Buffer | null = null;

  constructor(readonly answer: FormattedExecutionResult) {}

  toJSON(): string {
    placed = this;
    return PLACEHOLDER;
  }

  /** `,"payload":<the answer's JSON>}` as UTF-8, made on first use. */
  bytes(): Buffer {
    return (this.frameEnd ??= Buffer.from(`,"payload":${JSON.stringify(this.answer)}}`));
  }
}

/** The frame as sent: the answer's bytes in place of its placeholder (any other frame as it is). */
export function withAnswerBytes(frame: string): string | Buffer {
  const answer = placed;
  placed = null;
  if (answer === null || !frame.endsWith(FRAME_TAIL)) return frame;
  const head = frame.slice(0, -FRAME_TAIL.length);
  const end = answer.bytes();
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(head) + end.length);
  end.copy(bytes, bytes.write(head));
  return bytes;
}
