import { createClient, type Client } from 'graphql-ws';
import { parentPort, workerData } from 'node:worker_threads';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';

/**
 * The subscribers of the subscription benchmark, in a thread of their own so that the writer's
 * event loop does not delay them (or they it). One graphql-ws client (one socket) per subscriber.
 * Reports every delivery as [subscriber, event id, monotonic receive time in ns] to the main thread.
 */
export interface WorkerInput {
  subscribers: { url: string; customerId: string | null; secret: string }[];
  /** A database URL: also LISTEN directly, to time PostgreSQL's own delivery of the notification. */
  listenUrl: string;
  /** Sockets opened at once while connecting. */
  connectConcurrency: number;
}

export type WorkerMessage =
  | { type: 'connected'; count: number }
  /** Subscriber -1: the direct LISTEN connection; its event ids are database keys. */
  | { type: 'deliveries'; deliveries: [subscriber: number, eventId: string, receivedNs: string][] }
  | { type: 'ended'; subscriber: number; reason: string }
  | { type: 'stopped' };

const SUBSCRIPTION = `subscription ($customerId: ID) {
  timelineEventAdded(customerId: $customerId) { id kind occurredAt summary streamCursor }
}`;

const input = workerData as WorkerInput;
const port = parentPort!;
const clients: Client[] = [];
let pending: [number, string, string][] = [];

function flush(): void {
  if (pending.length === 0) return;
  port.postMessage({ type: 'deliveries', deliveries: pending } satisfies WorkerMessage);
  pending = [];
}

async function connectAll(): Promise<void> {
  let next = 0;
  const connectOne = async (): Promise<void> => {
    while (next < input.subscribers.length) {
      const index = next++;
      const { url, customerId, secret } = input.subscribers[index];
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${secret}` } });
      clients[index] = client;
      await new Promise<void>((resolve, reject) => {
        const off = client.on('connected', () => {
          off();
          resolve();
        });
        client.on('error', reject);
      });
      client.subscribe(
        { query: SUBSCRIPTION, variables: { customerId } },
        {
          next: (result) => {
            const id = (result.data as any)?.timelineEventAdded?.id;
            if (id) pending.push([index, id, process.hrtime.bigint().toString()]);
          },
          error: (error) => port.postMessage({ type: 'ended', subscriber: index, reason: describe(error) } satisfies WorkerMessage),
          complete: () => port.postMessage({ type: 'ended', subscriber: index, reason: 'completed' } satisfies WorkerMessage),
        },
      );
    }
  };
  await Promise.all(Array.from({ length: input.connectConcurrency }, connectOne));
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return JSON.stringify(error);
  if (error && typeof error === 'object' && 'code' in error) return `closed ${(error as { code: number }).code}`;
  return String(error);
}

async function listenDirectly(): Promise<PgClient> {
  const listener = new PgClient({ connectionString: input.listenUrl, application_name: 'bench-listener' });
  await listener.connect();
  listener.on('notification', (notification) => {
    const at = process.hrtime.bigint().toString();
    for (const [, key] of (JSON.parse(notification.payload ?? '{}').e ?? []) as string[][]) pending.push([-1, key, at]);
  });
  await listener.query('LISTEN timeline_event');
  return listener;
}

const flusher = setInterval(flush, 100);
const listening = listenDirectly();
port.on('message', async (message: { type: 'stop' }) => {
  if (message.type !== 'stop') return;
  flush();
  clearInterval(flusher);
  await Promise.all(clients.map((client) => client.dispose()));
  await (await listening).end();
  port.postMessage({ type: 'stopped' } satisfies WorkerMessage);
});

connectAll().then(
  () => port.postMessage({ type: 'connected', count: clients.length } satisfies WorkerMessage),
  (error) => port.postMessage({ type: 'ended', subscriber: -1, reason: `could not connect: ${describe(error)}` } satisfies WorkerMessage),
);
