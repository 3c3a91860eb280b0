import type { WebSocket, WebSocketServer } from 'ws';

/** Each interval's pings go out over this many ticks, so 10,000 sockets are not pinged in one turn of the event loop. */
const TICKS_PER_INTERVAL = 20;

/**
 * Pings every socket about once per `intervalMs`, and cuts off (terminates) a socket whose last
 * ping has gone unanswered for a whole interval: a client that vanished without closing (a
 * laptop lid, a dropped mobile network) does not hold its subscriptions forever.
 *
 * One timer for the process and one pong listener shared by every socket. graphql-ws's own
 * keep-alive, which this replaces, kept an interval timer per socket and added a timeout and a
 * listener for each ping: two timers and their closures held by every idle subscriber, and new
 * ones promoted to the old generation at each ping.
 */
export function keepSocketsAlive(wss: WebSocketServer, intervalMs: number): { stop(): void } {
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) return { stop: () => undefined };
  /** When each socket's unanswered ping went out. */
  const pingedAt = new WeakMap<WebSocket, number>();
  function answered(this: WebSocket): void {
    pingedAt.delete(this);
  }
  wss.on('connection', (socket) => socket.on('pong', answered));
  let turn: WebSocket[] = [];
  let next = 0;
  const tick = setInterval(() => {
    if (next >= turn.length) {
      turn = [...wss.clients];
      next = 0;
    }
    const share = Math.ceil(turn.length / TICKS_PER_INTERVAL);
    const now = Date.now();
    for (let i = next; i < Math.min(next + share, turn.length); i++) {
      const socket = turn[i];
      if (socket.readyState !== socket.OPEN) continue;
      const since = pingedAt.get(socket);
      if (since === undefined) {
        pingedAt.set(socket, now);
        socket.ping();
      } else if (now - since >= intervalMs) {
        socket.terminate();
      }
    }
    next += share;
  }, intervalMs / TICKS_PER_INTERVAL);
  tick.unref();
  return { stop: () => clearInterval(tick) };
}
