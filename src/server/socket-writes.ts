import type net from 'node:net';
import type { WebSocket } from 'ws';

/** Unsent bytes below which a frame counts as sent once it is queued: graphql-ws then hands over the next item at once. */
const SENT_WHEN_QUEUED_BELOW_BYTES = 64 * 1024;

type Send = (data: unknown, options?: object, cb?: (error?: Error) => void) => void;

/** The bytes of a JSON frame, sent as the text frame they are. */
const TEXT = { binary: false };

/**
 * How a subscription socket writes its frames.
 *
 * - graphql-ws waits for each `next` frame to be written before it takes the subscription's next
 *   item. Left as it is, a socket sends one frame per turn of the event loop, each in a write of
 *   its own; on loopback and on busy hosts the write is the larger part of a delivery's cost.
 *   Below SENT_WHEN_QUEUED_BELOW_BYTES unsent, a frame counts as sent once queued, and the frames
 *   a socket sends in one turn go out in one write (the transport is corked until the turn ends).
 *   Above it, graphql-ws waits for the write as before, so a slow reader still holds its items
 *   back and the live queue's bound on unsent bytes still ends it.
 */
export function writeFramesByTurn(socket: WebSocket, transport: net.Socket): void {
  const send = socket.send.bind(socket) as Send;
  let corked = false;
  const uncork = () => {
    corked = false;
    transport.uncork();
  };
  socket.send = ((data: unknown, optionsOrCallback?: object | ((error?: Error) => void), callback?: (error?: Error) => void) => {
    const [options, cb] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback as (error?: Error) => void] : [optionsOrCallback, callback];
    if (!corked && socket.readyState === socket.OPEN) {
      corked = true;
      transport.cork();
      setImmediate(uncork);
    }
    if (!cb || socket.bufferedAmount >= SENT_WHEN_QUEUED_BELOW_BYTES) return send(data, options, cb);
    send(data, options);
    cb();
  }) as typeof socket.send;
}

/**
 * The head of a subscription's `next` frames, `{"id":<id>,"type":"next"`: text, kept by each
 * subscription until its frames are written (as a Buffer it would hold on to a slab of Node's
 * Buffer pool, several hundred bytes per subscriber).
 */
export function nextFrameHead(id: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next"`;
}

/**
 * Writes one `next` frame, byte for byte as graphql-ws makes it
 * (`{"id":<id>,"type":"next","payload":<answer>}`), from the subscription's head and the end made
 * once for every subscriber of the answer's shape (SerialisedAnswer). Answers nothing while the
 * socket holds less than SENT_WHEN_QUEUED_BELOW_BYTES unsent, else a promise of the write, as for
 * graphql-ws's own frames under writeFramesByTurn.
 */
export function writeNextFrame(socket: WebSocket, head: string, frameEnd: Buffer): Promise<void> | void {
  const headBytes = Buffer.byteLength(head);
  const frame = Buffer.allocUnsafe(headBytes + frameEnd.length);
  frame.write(head, 0);
  frameEnd.copy(frame, headBytes);
  if (socket.bufferedAmount < SENT_WHEN_QUEUED_BELOW_BYTES) {
    socket.send(frame, TEXT);
    return;
  }
  return new Promise<void>((resolve, reject) => socket.send(frame, TEXT, (error) => (error ? reject(error) : resolve())));
}
