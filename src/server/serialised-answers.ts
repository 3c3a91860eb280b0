import type { FormattedExecutionResult } from 'graphql';

/** How graphql-ws's `next` frame ends when its payload is a SerialisedAnswer: the placeholder, JSON-escaped. */
const PLACEHOLDER = '\u0000';
const FRAME_TAIL = `,"payload":${JSON.stringify(PLACEHOLDER)}}`;

/** The JSON text of the answer whose placeholder was written last; taken by the frame that follows. */
let placed: string | null = null;

/**
 * A subscription answer written as JSON once, however many subscribers it is sent to.
 *
 * graphql-ws writes each frame with JSON.stringify, so a payload's JSON cannot be handed to it
 * ready-made. This payload writes itself as a placeholder string instead, and the socket's send
 * (writeFramesByTurn) puts the text in its place with `withAnswerText`: graphql-ws stringifies a
 * frame and sends it in the same synchronous step, so the text always belongs to that frame.
 */
export class SerialisedAnswer {
  private text: string | null = null;

  constructor(readonly answer: FormattedExecutionResult) {}

  toJSON(): string {
    placed = this.text ??= JSON.stringify(this.answer);
    return PLACEHOLDER;
  }
}

/** The frame as sent: the answer's text in place of its placeholder (any other frame as it is). */
export function withAnswerText(frame: string): string {
  const text = placed;
  placed = null;
  return text !== null && frame.endsWith(FRAME_TAIL) ? `${frame.slice(0, -FRAME_TAIL.length)},"payload":${text}}` : frame;
}
