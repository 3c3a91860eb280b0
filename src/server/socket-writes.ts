import type net from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Unsent bytes below which a `next` frame counts as sent once it is queued: the subscription then
 * takes its next item at once. Above it, it waits for the write, so a slow reader holds its items
 * back and the live queue's bound on unsent bytes ends it.
 */
const SENT_WHEN_QUEUED_BELOW_BYTES = 64 * 1024;

/** A JSON frame, sent as the text frame it is. */
const TEXT = { binary: false };

/**
 * A socket's frames of one turn of the event loop go out in one write: the transport is corked
 * from the first frame of a turn until the turn ends. Left as it is, each frame is a write of its
 * own, and on loopback and on busy hosts the write is the larger part of a delivery's cost.
 */
export function writeFramesByTurn(socket: WebSocket, transport: net.Socket): void {
  const send = socket.send.bind(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    transport.uncork();
  };
  socket.send = ((...args: Parameters<WebSocket['send']>) => {
    if (!corked && socket.readyState === socket.OPEN) {
      corked = true;
      transport.cork();
      setImmediate(uncork);
    }
    return send(...args);
  }) as typeof socket.send;
}

/**
 * The head of a subscription's `next` frames, `{"id":<id>,"type":"next"`: text, kept by each
 * subscription for its frames (as a Buffer it would hold on to a slab of Node's Buffer pool,
 * several hundred bytes per subscriber).
 */
export function nextFrameHead(id: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next"`;
}

/**
 * Writes one `next` frame, byte for byte as graphql-ws makes it
 * (`{"id":<id>,"type":"next","payload":<answer>}`), from the subscription's head and the end made
 * once for every subscriber of the answer's shape (SerialisedAnswer). A string: ws writes a
 * server's text frame as it is, and the socket encodes it outside the JavaScript heap. Answers
 * nothing while the socket holds less than SENT_WHEN_QUEUED_BELOW_BYTES unsent, else a promise
 * of the write.
 */
export function writeNextFrame(socket: WebSocket, head: string, frameEnd: string): Promise<void> | void {
  const frame = head + frameEnd;
  if (socket.bufferedAmount < SENT_WHEN_QUEUED_BELOW_BYTES) {
    socket.send(frame, TEXT);
    return;
  }
  return new Promise<void>((resolve, reject) => socket.send(frame, TEXT, (error) => (error ? reject(error) : resolve())));
}
