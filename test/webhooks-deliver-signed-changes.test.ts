import { createLogger } from '../src/core/logger';
import { keyOf } from '../src/relay/global-id';
import { createCustomer, unique } from './support/factories';
import { openClient, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';
import { readmeSignatureCheck, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const verifySignature = readmeSignatureCheck();
const FAST = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_MAX_MS: '200', WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_POLL_MS: '20' };
const SECRET = 'a-long-enough-secret-for-tests-0001';

let server: TestServer;
let receiver: WebhookReceiver;
beforeAll(async () => {
  server = await startTestServer(FAST, createLogger(process.env.TEST_LOG_LEVEL as any ?? 'silent'));
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await server.stop();
  await receiver.stop();
});
beforeEach(() => {
  receiver.answer = () => 200;
});

const CREATE = `mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id state includesPersonalData filter { customerId kinds } } secret userErrors { field message code } } }`;

async function createWebhook(input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const { createWebhook } = await server.data(CREATE, { input: { url: receiver.url, secret: SECRET, ...input } });
  expect(createWebhook.userErrors).toEqual([]);
  return { id: createWebhook.webhook.id, secret: createWebhook.secret ?? SECRET };
}

async function deleteWebhook(id: string): Promise<void> {
  const { deleteWebhook } = await server.data(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { userErrors { code } } }`, { id });
  expect(deleteWebhook.userErrors).toEqual([]);
}

async function recordCall(customerId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { recordCall } = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } userErrors { code message } } }`, {
    input: { customerId, occurredAt: new Date().toISOString(), direction: 'INBOUND', outcome: 'ANSWERED', waitSeconds: 20, durationSeconds: 300, fromNumber: '+14155550100', source: 'pbx', externalId: unique('call'), ...extra },
  });
  expect(recordCall.userErrors).toEqual([]);
  return recordCall.event.id;
}

const postsFor = (webhookId: string) => receiver.posts.filter((p) => p.json?.webhookId === webhookId);

describe('webhooks', () => {
  it('POST a recorded event once, signed as the README checks it, with a stable delivery id and the documented shape', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Maya Okafor' })).id;
    const webhook = await createWebhook({ topics: ['TIMELINE_EVENT_ADDED'], filter: { customerId } });
    const eventId = await recordCall(customerId);
    const [post] = (await receiver.waitFor(() => postsFor(webhook.id).length >= 1), postsFor(webhook.id));
    expect(verifySignature(post.headers['x-timeline-signature'] as string, post.body, webhook.secret)).toBe(true);
    expect(verifySignature(post.headers['x-timeline-signature'] as string, post.body, 'another-secret-of-enough-length')).toBe(false);
    expect(verifySignature(post.headers['x-timeline-signature'] as string, post.body.replace('ANSWERED', 'MISSED') + ' ', webhook.secret)).toBe(false);
    expect(post.headers['x-timeline-topic']).toBe('TIMELINE_EVENT_ADDED');
    expect(post.headers['x-timeline-delivery']).toBe(post.json.deliveryId);
    expect(post.json).toMatchObject({
      version: 1,
      topic: 'TIMELINE_EVENT_ADDED',
      webhookId: webhook.id,
      customerId,
      event: { id: eventId, kind: 'CALL', channel: 'PHONE', direction: 'INBOUND', source: 'pbx', summary: expect.stringContaining('Inbound call'), details: expect.objectContaining({ fromNumber: '+14155550100' }) },
    });
    // The delivery as the API shows it, once the answer is written down.
    const deliveries = async () => (await server.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 5) { edges { node { id state attempt status error deliveredAt } } } } } }`, { id: webhook.id })).node.deliveries.edges.map((e: any) => e.node);
    await waitUntil(async () => (await deliveries())[0]?.state === 'DELIVERED');
    expect(await deliveries()).toEqual([{ id: post.json.deliveryId, state: 'DELIVERED', attempt: 1, status: 200, error: null, deliveredAt: expect.any(String) }]);
    await deleteWebhook(webhook.id);
  });

  it('announces customer changes and case changes, and sends only what the filter asks for', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Jonas Berg' })).id;
    const webhook = await createWebhook({ topics: ['CUSTOMER_CHANGED', 'CASE_CHANGED', 'TIMELINE_EVENT_ADDED'], filter: { customerId, kinds: ['EMAIL'] } });
    const other = (await createCustomer(server, { displayName: 'Someone Else' })).id;
    await recordCall(other);
    await recordCall(customerId);
    await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { userErrors { code } } }`, { input: { customerId, contactHours: 'evenings' } });
    await receiver.waitFor(() => postsFor(webhook.id).some((p) => p.json.topic === 'CUSTOMER_CHANGED'));
    await receiver.waitFor(() => postsFor(webhook.id).some((p) => p.json.topic === 'CASE_CHANGED'));
    const posts = postsFor(webhook.id);
    // Calls are not among the kinds asked for, and the other customer is not the one asked for.
    expect(posts.filter((p) => p.json.topic === 'TIMELINE_EVENT_ADDED')).toEqual([]);
    expect(posts.every((p) => p.json.customerId === customerId)).toBe(true);
    const preferences = posts.find((p) => p.json.topic === 'CUSTOMER_CHANGED')!;
    expect(preferences.json).toMatchObject({ change: { kind: 'PREFERENCES_UPDATED' }, customer: { id: customerId, displayName: 'Jonas Berg', erased: false } });
    const opened = posts.find((p) => p.json.topic === 'CASE_CHANGED')!;
    expect(opened.json).toMatchObject({ changes: expect.arrayContaining(['OPENED']), case: { status: 'OPEN', subject: 'Phone call', contactCount: 1 } });
    await deleteWebhook(webhook.id);
  });

  it('retries a delivery the receiver answered 500, with the same delivery id, until it answers 200', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Retry Person' })).id;
    const webhook = await createWebhook({ topics: ['TIMELINE_EVENT_ADDED'], filter: { customerId } });
    let seen = 0;
    receiver.answer = (post) => (post.json?.webhookId === webhook.id && ++seen <= 2 ? 500 : 200);
    await recordCall(customerId);
    await receiver.waitFor(() => postsFor(webhook.id).length >= 3);
    const posts = postsFor(webhook.id);
    expect(new Set(posts.map((p) => p.headers['x-timeline-delivery'])).size).toBe(1);
    expect(posts.map((p) => p.headers['x-timeline-attempt'])).toEqual(['1', '2', '3']);
    const delivery = async () => (await server.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 1) { edges { node { state attempt status } } } } } }`, { id: webhook.id })).node.deliveries.edges[0].node;
    await waitUntil(async () => (await delivery()).state === 'DELIVERED');
    expect(await delivery()).toEqual({ state: 'DELIVERED', attempt: 3, status: 200 });
    await deleteWebhook(webhook.id);
  });

  it('gives up waiting for a receiver that hangs, and tries again', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Hanging Receiver' })).id;
    const webhook = await createWebhook({ topics: ['TIMELINE_EVENT_ADDED'], filter: { customerId } });
    let seen = 0;
    receiver.answer = (post) => (post.json?.webhookId === webhook.id && ++seen === 1 ? 'hang' : 200);
    await recordCall(customerId);
    await receiver.waitFor(() => postsFor(webhook.id).length >= 2);
    const { node } = await server.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 1) { edges { node { state attempt } } } } } }`, { id: webhook.id });
    const posts = postsFor(webhook.id);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(350);
    expect(node.deliveries.edges[0].node.attempt).toBeGreaterThanOrEqual(2);
    await deleteWebhook(webhook.id);
  });

  it('disables a webhook whose receiver answers 410 Gone, and pauses one after failures in a row; resumed, it sends what it collected, in order', async () => {
    const paused = await startTestServer({ ...FAST, WEBHOOK_PAUSE_AFTER_FAILURES: '3', WEBHOOK_PAUSE_AFTER: '1s' });
    // Admins hear of it as it happens.
    const client = openClient(paused.url);
    const notices = subscribe(client, `subscription { webhookChanged { webhookId state reason webhook { id state } } }`);
    await untilSubscribed(paused, 1);
    try {
      const gone = await paused.data(CREATE, { input: { url: `${receiver.url}/gone`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } });
      const failing = await paused.data(CREATE, { input: { url: `${receiver.url}/failing`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } });
      let healthy = false;
      receiver.answer = (post) => (post.json?.webhookId === gone.createWebhook.webhook.id ? 410 : post.json?.webhookId === failing.createWebhook.webhook.id && !healthy ? 503 : 200);
      const customerId = (await createCustomer(paused, { displayName: 'Pausing Person' })).id;
      const record = (n: number) =>
        paused.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { userErrors { code } } }`, {
          input: { customerId, occurredAt: new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString(), outcome: 'MISSED', source: 'pbx', externalId: unique('pause') },
        });
      await record(1);
      const state = async (id: string) => (await paused.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { state stateReason active } } }`, { id })).node;
      await waitUntil(async () => (await state(gone.createWebhook.webhook.id)).state === 'DISABLED');
      expect(await state(gone.createWebhook.webhook.id)).toEqual({ state: 'DISABLED', stateReason: 'the receiver answered 410 Gone', active: false });
      await waitUntil(async () => (await state(failing.createWebhook.webhook.id)).state === 'PAUSED', 20_000);
      // Paused, it keeps collecting: two more changes while nobody is sent anything.
      await record(2);
      await record(3);
      const before = receiver.posts.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.posts.length).toBe(before);
      healthy = true;
      const { updateWebhook } = await paused.data(`mutation ($id: ID!) { updateWebhook(input: { id: $id, active: true }) { webhook { state consecutiveFailures } userErrors { code } } }`, { id: failing.createWebhook.webhook.id });
      expect(updateWebhook).toEqual({ webhook: { state: 'ACTIVE', consecutiveFailures: 0 }, userErrors: [] });
      const delivered = (posts: typeof receiver.posts) => {
        const ok = posts.filter((p) => p.json?.webhookId === failing.createWebhook.webhook.id);
        return [...new Map(ok.map((p) => [p.json.deliveryId, p.json.event.occurredAt])).values()];
      };
      await receiver.waitFor((posts) => delivered(posts).length === 3);
      expect(delivered(receiver.posts)).toEqual(['2026-01-01T09:01:00.000Z', '2026-01-01T09:02:00.000Z', '2026-01-01T09:03:00.000Z']);
      const heard = (await notices.waitFor(3)).map((r) => r.data!.webhookChanged);
      expect(heard).toEqual(
        expect.arrayContaining([
          { webhookId: gone.createWebhook.webhook.id, state: 'DISABLED', reason: 'the receiver answered 410 Gone', webhook: { id: gone.createWebhook.webhook.id, state: 'DISABLED' } },
          { webhookId: failing.createWebhook.webhook.id, state: 'PAUSED', reason: expect.stringMatching(/^\d+ failed attempts in a row since /), webhook: expect.any(Object) },
          { webhookId: failing.createWebhook.webhook.id, state: 'ACTIVE', reason: null, webhook: { id: failing.createWebhook.webhook.id, state: 'ACTIVE' } },
        ]),
      );
    } finally {
      notices.stop();
      await client.dispose();
      await paused.stop();
    }
  }, 40_000);

  it("keeps a hanging receiver to its own share: another webhook gets every change at once, and recording goes on", async () => {
    const isolated = await startTestServer({ ...FAST, WEBHOOK_TIMEOUT_MS: '5000', WEBHOOK_CONCURRENCY_PER_WEBHOOK: '2' });
    try {
      const stuck = (await isolated.data(CREATE, { input: { url: `${receiver.url}/stuck`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } })).createWebhook.webhook.id;
      const healthy = (await isolated.data(CREATE, { input: { url: `${receiver.url}/healthy`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } })).createWebhook.webhook.id;
      receiver.answer = (post) => (post.json?.webhookId === stuck ? 'hang' : 200);
      const customers = await Promise.all(Array.from({ length: 10 }, (_, i) => createCustomer(isolated, { displayName: `Isolated ${i}` })));
      const { recordEvents } = await isolated.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created } } }`, {
        input: { events: Array.from({ length: 30 }, (_, i) => ({ call: { customerId: customers[i % 10].id, occurredAt: new Date(Date.UTC(2026, 2, 1, 9, i)).toISOString(), outcome: 'MISSED', source: 'pbx', externalId: unique('iso') } })) },
      });
      expect(recordEvents.results.every((r: any) => r.created)).toBe(true);
      const forHook = (id: string) => receiver.posts.filter((p) => p.json?.webhookId === id);
      await receiver.waitFor(() => new Set(forHook(healthy).map((p) => p.json.deliveryId)).size === 30, 4000);
      // The stuck one was tried, and holds exactly its two slots, both still unanswered.
      expect(forHook(stuck)).toHaveLength(2);
    } finally {
      await isolated.stop();
    }
  }, 30_000);

  it('deletes finished deliveries once they are older than WEBHOOK_KEEP_DELIVERIES, and never pending ones', async () => {
    const keeping = await startTestServer({ ...FAST, WEBHOOK_KEEP_DELIVERIES: '1s' });
    try {
      const done = (await keeping.data(CREATE, { input: { url: `${receiver.url}/done`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } })).createWebhook.webhook.id;
      const failing = (await keeping.data(CREATE, { input: { url: `${receiver.url}/failing-keep`, topics: ['TIMELINE_EVENT_ADDED'], secret: SECRET } })).createWebhook.webhook.id;
      receiver.answer = (post) => (post.json?.webhookId === failing ? 503 : 200);
      const customerId = (await createCustomer(keeping, { displayName: 'Kept Briefly' })).id;
      await keeping.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { userErrors { code } } }`, {
        input: { customerId, occurredAt: new Date().toISOString(), outcome: 'MISSED', source: 'pbx', externalId: unique('keep') },
      });
      const deliveries = async (id: string) => (await keeping.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries { edges { node { state } } } } } }`, { id })).node.deliveries.edges.map((e: any) => e.node.state);
      await waitUntil(async () => (await deliveries(done)).join() === 'DELIVERED');
      await waitUntil(async () => (await deliveries(done)).length === 0, 10_000);
      expect(await deliveries(failing)).toEqual(['PENDING']);
    } finally {
      await keeping.stop();
    }
  }, 30_000);

  it('sends nothing more to a deleted webhook', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Deleted Hook' })).id;
    const webhook = await createWebhook({ topics: ['TIMELINE_EVENT_ADDED'], filter: { customerId } });
    await recordCall(customerId);
    await receiver.waitFor(() => postsFor(webhook.id).length === 1);
    await deleteWebhook(webhook.id);
    await recordCall(customerId);
    await recordCall(customerId);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(postsFor(webhook.id)).toHaveLength(1);
    const { webhooks } = await server.data(`{ webhooks(first: 100) { edges { node { id } } } }`);
    expect(webhooks.edges.map((e: any) => e.node.id)).not.toContain(webhook.id);
  });

  it('redelivers one delivery with the same id, replays from a point in time, and signs with both secrets while one is rotated out', async () => {
    const customerId = (await createCustomer(server, { displayName: 'Replay Person' })).id;
    const webhook = await createWebhook({ topics: ['TIMELINE_EVENT_ADDED'], filter: { customerId } });
    const started = new Date();
    await recordCall(customerId);
    await recordCall(customerId);
    await receiver.waitFor(() => postsFor(webhook.id).length === 2);
    const [first] = postsFor(webhook.id);
    const { redeliverWebhookDelivery } = await server.data(`mutation ($id: ID!) { redeliverWebhookDelivery(input: { deliveryId: $id }) { deliveries userErrors { code } } }`, { id: first.json.deliveryId });
    expect(redeliverWebhookDelivery).toEqual({ deliveries: 1, userErrors: [] });
    await receiver.waitFor(() => postsFor(webhook.id).length === 3);
    expect(postsFor(webhook.id)[2].json.deliveryId).toBe(first.json.deliveryId);
    const states = async () => (await server.data(`query ($id: ID!) { node(id: $id) { ... on Webhook { deliveries { edges { node { state } } } } } }`, { id: webhook.id })).node.deliveries.edges.map((e: any) => e.node.state);
    await waitUntil(async () => (await states()).every((state: string) => state === 'DELIVERED'));

    const { rotateWebhookSecret } = await server.data(`mutation ($id: ID!) { rotateWebhookSecret(input: { id: $id, graceSeconds: 600 }) { secret userErrors { code } } }`, { id: webhook.id });
    expect(rotateWebhookSecret.secret).toMatch(/^whsec_/);
    const { replayWebhook } = await server.data(`mutation ($id: ID!, $since: DateTime!) { replayWebhook(input: { id: $id, since: $since }) { deliveries userErrors { code } } }`, { id: webhook.id, since: started.toISOString() });
    expect(replayWebhook).toEqual({ deliveries: 2, userErrors: [] });
    await receiver.waitFor(() => postsFor(webhook.id).length === 5);
    const replayed = postsFor(webhook.id).slice(3);
    expect(replayed.map((p) => p.json.event.occurredAt)).toEqual(postsFor(webhook.id).slice(0, 2).map((p) => p.json.event.occurredAt));
    for (const post of replayed) {
      expect(verifySignature(post.headers['x-timeline-signature'] as string, post.body, rotateWebhookSecret.secret)).toBe(true);
      expect(verifySignature(post.headers['x-timeline-signature'] as string, post.body, webhook.secret)).toBe(true);
    }
    const unknown = await server.data(`mutation { redeliverWebhookDelivery(input: { deliveryId: "nope" }) { deliveries userErrors { code field } } }`);
    expect(unknown.redeliverWebhookDelivery).toEqual({ deliveries: 0, userErrors: [{ code: 'INVALID', field: ['input', 'deliveryId'] }] });
    await deleteWebhook(webhook.id);
  });

  it('refuses targets that are not http(s), and by default private, loopback and link-local addresses', async () => {
    const strict = await startTestServer({});
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://192.168.1.10/hook', 'http://[::ffff:127.0.0.1]/hook']) {
        const { createWebhook } = await strict.data(CREATE, { input: { url, topics: ['TIMELINE_EVENT_ADDED'] } });
        expect({ url, webhook: createWebhook.webhook, codes: createWebhook.userErrors.map((e: any) => [e.code, e.field]) }).toEqual({ url, webhook: null, codes: [['INVALID', ['input', 'url']]] });
      }
      for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'not a url', 'https://user:pass@example.com/hook']) {
        const { createWebhook } = await strict.data(CREATE, { input: { url, topics: ['TIMELINE_EVENT_ADDED'] } });
        expect(createWebhook.userErrors.map((e: any) => e.field)).toEqual([['input', 'url']]);
      }
      const { createWebhook } = await strict.data(CREATE, { input: { url: 'http://203.0.113.5/hook', topics: [], secret: 'short' } });
      expect(createWebhook.userErrors.map((e: any) => e.field).sort()).toEqual([['input', 'secret'], ['input', 'topics']]);
      const { webhooks } = await strict.data(`{ webhooks { edges { node { id } } } }`);
      expect(webhooks.edges).toEqual([]);
    } finally {
      await strict.stop();
    }
  });

  it('is for admins only', async () => {
    const agent = await server.createKey({ role: 'AGENT' as any, name: 'agent' });
    const answer = await server.as(agent.secret).graphql(CREATE, { input: { url: receiver.url, topics: ['TIMELINE_EVENT_ADDED'] } });
    expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(keyOf('x', 'Webhook')).toBeNull();
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
