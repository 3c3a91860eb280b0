import type net from 'node:net';
import type { WebSocket } from 'ws';

/** Unsent bytes below which a frame counts as sent once it is queued: graphql-ws then hands over the next item at once. */
const SENT_WHEN_QUEUED_BELOW_BYTES = 64 * 1024;

type Send = (data: unknown, options?: object, cb?: (error?: Error) => void) => void;

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
 * - `expand` turns the frame text graphql-ws made into what is sent: the same text, or the frame's
 *   UTF-8 bytes (for answers whose JSON is made once for every subscriber of a shape), which still
 *   go out as a text frame.
 */
export function writeFramesByTurn(socket: WebSocket, transport: net.Socket, expand: (frame: string) => string | Buffer): void {
  const send = socket.send.bind(socket) as Send;
  let corked = false;
  const uncork = () => {
    corked = false;
    transport.uncork();
  };
  socket.send = ((data: unknown, optionsOrCallback?: object | ((error?: Error) => void), callback?: (error?: Error) => void) => {
    const [given, cb] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback as (error?: Error) => void] : [optionsOrCallback, callback];
    const frame = typeof data === 'string' ? expand(data) : data;
    // A text frame expanded to bytes is still sent as text.
    const options = typeof data === 'string' && typeof frame !== 'string' ? { ...given, binary: false } : given;
    if (!corked && socket.readyState === socket.OPEN) {
      corked = true;
      transport.cork();
      setImmediate(uncork);
    }
    if (!cb || socket.bufferedAmount >= SENT_WHEN_QUEUED_BELOW_BYTES) return send(frame, options, cb);
    send(frame, options);
    cb();
  }) as typeof socket.send;
}
