import { parentPort, workerData } from 'node:worker_threads';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';

/**
 * Subscribers of the subscription benchmark, in a thread of their own so that the writer's event
 * loop does not delay them (or they it); the benchmark runs several such threads. One WebSocket
 * per subscriber, speaking the graphql-transport-ws protocol by hand: a benchmark client has to
 * read 50,000 frames a second on a machine it shares with the server, so a `next` frame is not
 * parsed whole: the event id is read out of its text, where the server writes it first.
 * Reports every delivery (subscriber, event id, monotonic receive time) to the main thread.
 */
export interface WorkerInput {
  /** A database URL to also LISTEN on directly, timing PostgreSQL's own delivery of the notification; null for none. */
  listenUrl: string | null;
  /** Sockets opened at once while connecting. */
  connectConcurrency: number;
}

/** A subscriber to connect; `index` numbers them across all threads. */
export interface Subscriber {
  index: number;
  url: string;
  customerId: string | null;
  secret: string;
}

/** From the main thread: connect these (answered with `connected`), or close everything (answered with `stopped`). */
export type WorkerCommand = { type: 'connect'; subscribers: Subscriber[] } | { type: 'stop' };

export type WorkerMessage =
  | { type: 'connected'; count: number }
  /** Columns of deliveries; subscriber -1 is the direct LISTEN connection, whose event ids are database keys. Times are ms on process.hrtime's clock. */
  | { type: 'deliveries'; subscribers: Int32Array; eventIds: string[]; receivedMs: Float64Array }
  | { type: 'ended'; subscriber: number; reason: string }
  | { type: 'stopped' };

const SUBSCRIPTION = `subscription ($customerId: ID) {
  timelineEventAdded(customerId: $customerId) { id kind occurredAt summary streamCursor }
}`;
const NEXT_FRAME = '{"id":"1","type":"next","payload":{"data":{"timelineEventAdded":{"id":"';

const input = workerData as WorkerInput;
const port = parentPort!;
const sockets: WebSocket[] = [];
let stopping = false;
let pending = { subscribers: [] as number[], eventIds: [] as string[], receivedMs: [] as number[] };

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function note(subscriber: number, eventId: string, at: number): void {
  pending.subscribers.push(subscriber);
  pending.eventIds.push(eventId);
  pending.receivedMs.push(at);
}

function flush(): void {
  if (pending.subscribers.length === 0) return;
  const { subscribers, eventIds, receivedMs } = pending;
  pending = { subscribers: [], eventIds: [], receivedMs: [] };
  port.postMessage({ type: 'deliveries', subscribers: Int32Array.from(subscribers), eventIds, receivedMs: Float64Array.from(receivedMs) } satisfies WorkerMessage);
}

function ended(subscriber: number, reason: string): void {
  if (!stopping) port.postMessage({ type: 'ended', subscriber, reason } satisfies WorkerMessage);
}

/** Opens one subscriber's socket; resolves once its subscription is sent (after connection_ack). */
function connect(subscriber: Subscriber): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(subscriber.url, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(socket);
    let subscribed = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${subscriber.secret}` } })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith(NEXT_FRAME)) {
        const at = nowMs();
        return note(subscriber.index, text.slice(NEXT_FRAME.length, text.indexOf('"', NEXT_FRAME.length)), at);
      }
      const message = JSON.parse(text) as { type: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { customerId: subscriber.customerId } } }));
        subscribed = true;
        resolve();
      } else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'error') ended(subscriber.index, JSON.stringify(message.payload));
      else if (message.type === 'complete') ended(subscriber.index, 'completed');
      else if (message.type === 'next') ended(subscriber.index, `unexpected next frame: ${text.slice(0, 200)}`);
    });
    socket.on('error', (error) => (subscribed ? ended(subscriber.index, String(error)) : reject(error)));
    socket.on('close', (code, reason) => (subscribed ? ended(subscriber.index, `closed ${code} ${reason}`) : reject(new Error(`closed ${code} ${reason}`))));
  });
}

async function connectAll(subscribers: Subscriber[]): Promise<void> {
  let next = 0;
  const connectSome = async (): Promise<void> => {
    while (next < subscribers.length) await connect(subscribers[next++]);
  };
  await Promise.all(Array.from({ length: input.connectConcurrency }, connectSome));
}

async function listenDirectly(url: string): Promise<PgClient> {
  const listener = new PgClient({ connectionString: url, application_name: 'bench-listener' });
  await listener.connect();
  listener.on('notification', (notification) => {
    const at = nowMs();
    for (const [, key] of (JSON.parse(notification.payload ?? '{}').e ?? []) as string[][]) note(-1, key, at);
  });
  await listener.query('LISTEN timeline_event');
  return listener;
}

const flusher = setInterval(flush, 100);
const listening = input.listenUrl ? listenDirectly(input.listenUrl) : null;
port.on('message', async (command: WorkerCommand) => {
  if (command.type === 'connect') {
    return connectAll(command.subscribers).then(
      () => port.postMessage({ type: 'connected', count: sockets.length } satisfies WorkerMessage),
      (error) => port.postMessage({ type: 'ended', subscriber: -1, reason: `could not connect: ${String(error)}` } satisfies WorkerMessage),
    );
  }
  stopping = true;
  flush();
  clearInterval(flusher);
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1000);
        }),
    ),
  );
  await (await listening)?.end();
  port.postMessage({ type: 'stopped' } satisfies WorkerMessage);
});
