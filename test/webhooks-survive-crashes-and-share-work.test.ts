import 'reflect-metadata';
import { decodeStreamCursor } from '../src/changefeed/stream-cursor';
import { unique } from './support/factories';
import { dataFrom, killServerProcesses, startServerProcessOn, type ServerProcess } from './support/processes';
import { createTestDatabase } from './support/test-database';
import { startWebhookReceiver, type ReceivedPost, type WebhookReceiver } from './support/webhook-receiver';

type Process = ServerProcess & { url: string; adminKey: string };
const FAST = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '200', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_POLL_MS: '20' };

let database: { url: string; drop(): Promise<void> };
let receiver: WebhookReceiver;
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  killServerProcesses();
  await receiver.stop();
  await database.drop();
});


async function customer(server: Process, name: string): Promise<string> {
  const { upsertCustomer } = await dataFrom(server, `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } } }`, {
    input: { displayName: name, identifiers: [{ kind: 'EMAIL', value: `${unique('w')}@example.com` }] },
  });
  return upsertCustomer.customer.id;
}

async function webhook(server: Process, customerId: string | null): Promise<string> {
  const { createWebhook } = await dataFrom(server, `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { message } } }`, {
    input: { url: receiver.url, topics: ['TIMELINE_EVENT_ADDED'], secret: 'a-long-enough-secret-for-tests-0002', filter: customerId ? { customerId } : null },
  });
  expect(createWebhook.userErrors).toEqual([]);
  return createWebhook.webhook.id;
}

function record(server: Process, customerId: string, count: number, label: string) {
  return dataFrom(server, `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, {
    input: {
      events: Array.from({ length: count }, (_, i) => ({
        socialMessage: { customerId, occurredAt: new Date(Date.UTC(2026, 5, 1) + i * 1000).toISOString(), platform: 'instagram', handle: '@w', text: `${label} ${i}`, source: 'ig', externalId: unique(label) },
      })),
    },
  });
}

const forWebhook = (id: string) => (posts: ReceivedPost[]) => posts.filter((p) => p.json?.webhookId === id);
const distinctDeliveries = (posts: ReceivedPost[]) => new Set(posts.map((p) => p.headers['x-timeline-delivery'])).size;

describe('webhook deliveries across processes', () => {
  it('are sent after a kill -9 of the process that was sending them: the restarted server delivers what was committed', async () => {
    const first = await startServerProcessOn(database.url, FAST);
    const customerId = await customer(first, 'Crash Person');
    const id = await webhook(first, customerId);
    receiver.answer = (p) => (p.json?.webhookId === id ? 'hang' : 200);
    await record(first, customerId, 1, 'before the crash');
    // Committed, and its POST in flight with no answer: now the process dies.
    await receiver.waitFor((posts) => forWebhook(id)(posts).length === 1);
    first.child.kill('SIGKILL');
    await first.exited;
    receiver.answer = () => 200;
    const second = await startServerProcessOn(database.url, FAST);
    await receiver.waitFor((posts) => forWebhook(id)(posts).length >= 2);
    const posts = forWebhook(id)(receiver.posts);
    expect(distinctDeliveries(posts)).toBe(1);
    expect(posts[1].json.event.id).toBe(posts[0].json.event.id);
    second.child.kill('SIGKILL');
    await second.exited;
  }, 60_000);

  it('are shared by two processes without one delivery ever sent twice at once, and reach each receiver in commit order per customer', async () => {
    const [a, b] = await Promise.all([startServerProcessOn(database.url, FAST), startServerProcessOn(database.url, FAST)]);
    const id = await webhook(a, null);
    receiver.answer = () => ({ status: 200, afterMs: Math.floor(Math.random() * 15) });
    const customers = await Promise.all(['One', 'Two', 'Three'].map((name) => customer(a, name)));
    // Four writers at once, through both processes, to the same three customers.
    await Promise.all(
      Array.from({ length: 4 }, async (_, writer) => {
        for (let round = 0; round < 5; round++) {
          await record(writer % 2 ? a : b, customers[(writer + round) % 3], 10, `w${writer}r${round}`);
        }
      }),
    );
    const expected = 4 * 5 * 10;
    await receiver.waitFor((posts) => distinctDeliveries(forWebhook(id)(posts)) >= expected, 60_000);
    const posts = forWebhook(id)(receiver.posts);
    expect(distinctDeliveries(posts)).toBe(expected);
    expect(receiver.maxConcurrentPerDelivery).toBe(1);
    expect(posts).toHaveLength(expected);
    for (const customerId of customers) {
      const positions = posts.filter((p) => p.json.customerId === customerId).map((p) => decodeStreamCursor(p.json.event.streamCursor));
      expect(positions.length).toBeGreaterThan(0);
      expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  }, 90_000);
});
