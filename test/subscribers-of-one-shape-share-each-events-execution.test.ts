import 'reflect-metadata';
import { Role } from '../src/core/access-scopes';
import { createCustomer } from './support/factories';
import WebSocket from 'ws';
import { openClient, subscribe, untilSubscribed, wsUrlOf, type Subscription } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const FOLLOW = `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { id customer { displayName } } }`;
const FOLLOW_WITH_KIND = `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { id kind customer { displayName } } }`;
const RECORD_CALLS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`;
const apiKeyId = (id: string) => Buffer.from(`ApiKey:${id}`).toString('base64url');

describe('subscribers who asked the same shape', () => {
  it('share one execution of each event, and each credential sees and is audited for what its scopes allow', async () => {
    const customer = await createCustomer(server, { displayName: 'Shared Shape' });
    const firstAgent = await server.createKey({ role: Role.AGENT, name: 'shape agent 1' });
    const secondAgent = await server.createKey({ role: Role.AGENT, name: 'shape agent 2' });
    const analyst = await server.createKey({ role: Role.ANALYST, name: 'shape analyst' });
    const clientOf = (secret: string) => openClient(server.url, { connectionParams: { authorization: `Bearer ${secret}` } });
    const clients = [clientOf(firstAgent.secret), clientOf(firstAgent.secret), clientOf(secondAgent.secret), clientOf(analyst.secret), clientOf(firstAgent.secret)];
    try {
      const variables = { id: customer.id };
      // Three subscribers of one shape (two credentials, same scopes), one without PII_READ, one with another document.
      const agents: Subscription[] = clients.slice(0, 3).map((client) => subscribe(client, FOLLOW, variables));
      const masked = subscribe(clients[3], FOLLOW, variables);
      const withKind = subscribe(clients[4], FOLLOW_WITH_KIND, variables);
      await untilSubscribed(server, 5);
      const before = { ...server.subscriptions.itemAnswers };

      const calls = [1, 2, 3].map((n) => ({ call: { customerId: customer.id, occurredAt: `2026-04-0${n}T10:00:00Z`, outcome: 'ANSWERED', durationSeconds: 60 } }));
      const recorded = (await server.data(RECORD_CALLS, { input: { events: calls } })).recordEvents.results.map((r: any) => r.event.id);
      for (const subscription of [...agents, masked, withKind]) await subscription.waitFor(3);

      for (const subscription of agents) {
        expect(subscription.results.map((r) => r.data.timelineEventAdded)).toEqual(recorded.map((id: string) => ({ id, customer: { displayName: 'Shared Shape' } })));
        // The answer's JSON is made once and put into each frame whole, its cost report included.
        for (const result of subscription.results) expect(result.extensions).toEqual({ cost: expect.objectContaining({ requested: expect.any(Number), limit: expect.any(Number) }) });
      }
      const maskedNames = masked.results.map((r) => r.data.timelineEventAdded.customer.displayName);
      expect(maskedNames).toHaveLength(3);
      for (const name of maskedNames) expect(name).not.toContain('Shared');
      expect(withKind.results.map((r) => r.data.timelineEventAdded)).toEqual(recorded.map((id: string) => ({ id, kind: 'CALL', customer: { displayName: 'Shared Shape' } })));

      // Per event: one execution for the three agents, one for the analyst, one for the other document.
      const after = server.subscriptions.itemAnswers;
      expect({ executed: after.executed - before.executed, reused: after.reused - before.reused }).toEqual({ executed: 9, reused: 6 });

      // Both agents' credentials are audited for the name they were shown, whichever ran the execution; the analyst's is not.
      const readsBy = async (keyId: string) =>
        (
          await server.data(`query ($customerId: ID, $actorId: ID) { auditLog(customerId: $customerId, actorId: $actorId, first: 10) { edges { node { action field operationName } } } }`, {
            customerId: customer.id,
            actorId: apiKeyId(keyId),
          })
        ).auditLog.edges.map((e: any) => e.node);
      let reads: any[][] = [];
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        reads = await Promise.all([readsBy(firstAgent.id), readsBy(secondAgent.id)]);
        if (reads.every((entries) => entries.length > 0)) break;
      }
      for (const entries of reads) expect(entries).toEqual([{ action: 'READ', field: 'timelineEventAdded', operationName: 'Follow' }]);
      expect(await readsBy(analyst.id)).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('are each sent a text frame with their own subscription id before the one answer, its characters intact', async () => {
    const customer = await createCustomer(server, { displayName: 'Zoë Ångström 🎧' });
    const agent = await server.createKey({ role: Role.AGENT, name: 'frames agent' });
    // Ids as clients choose them: one plain, one that is not ASCII and needs escaping in JSON.
    const ids = ['follow-1', 'suivi-é-"2"-✓'];
    const sockets = await Promise.all(ids.map(() => openSocket(agent.secret)));
    try {
      const frames = sockets.map(() => [] as { text: string; isBinary: boolean }[]);
      sockets.forEach((socket, i) => socket.on('message', (data, isBinary) => frames[i].push({ text: String(data), isBinary })));
      sockets.forEach((socket, i) => socket.send(JSON.stringify({ id: ids[i], type: 'subscribe', payload: { query: FOLLOW_WITH_SUMMARY, variables: { id: customer.id } } })));
      await untilSubscribed(server, 2);

      const summary = 'Rückruf wegen Lieferung – „dringend“ ☎️';
      await server.data(RECORD_CALLS, { input: { events: [{ call: { customerId: customer.id, occurredAt: '2026-04-05T10:00:00Z', outcome: 'ANSWERED', summary } }] } });
      for (const deadline = Date.now() + 10_000; frames.some((f) => f.length === 0) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));

      frames.forEach((received, i) => {
        expect(received).toHaveLength(1);
        expect(received[0].isBinary).toBe(false);
        const message = JSON.parse(received[0].text);
        expect(message).toEqual({
          id: ids[i],
          type: 'next',
          payload: { data: { timelineEventAdded: { summary, customer: { displayName: 'Zoë Ångström 🎧' } } }, extensions: { cost: expect.any(Object) } },
        });
      });
      // Both frames end with the same bytes: the answer, written once.
      const tails = frames.map(([frame]) => frame.text.slice(frame.text.indexOf(',"payload":')));
      expect(tails[0]).toBe(tails[1]);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('each get their frames in order on a shared socket, and none after the client completes one', async () => {
    const customer = await createCustomer(server, { displayName: 'Two On One Socket' });
    const agent = await server.createKey({ role: Role.AGENT, name: 'completing agent' });
    const socket = await openSocket(agent.secret);
    try {
      const messages: any[] = [];
      socket.on('message', (data) => messages.push(JSON.parse(String(data))));
      const before = server.realtime.subscriberCount;
      for (const id of ['stays', 'leaves']) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: FOLLOW_WITH_SUMMARY, variables: { id: customer.id } } }));
      await untilSubscribed(server, before + 2);
      const summaries = (from: number) => Array.from({ length: 5 }, (_, i) => `call ${from + i}`);
      const record = (texts: string[]) =>
        server.data(RECORD_CALLS, { input: { events: texts.map((summary, i) => ({ call: { customerId: customer.id, occurredAt: `2026-04-0${i + 1}T10:00:00Z`, outcome: 'ANSWERED', summary } })) } });
      const summariesFor = (id: string) => messages.filter((m) => m.id === id && m.type === 'next').map((m) => m.payload.data.timelineEventAdded.summary);
      const until = async (check: () => boolean) => {
        for (const deadline = Date.now() + 10_000; !check(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(messages)}`);
      };

      await record(summaries(1));
      await until(() => summariesFor('stays').length === 5 && summariesFor('leaves').length === 5);
      expect(summariesFor('stays')).toEqual(summaries(1));
      expect(summariesFor('leaves')).toEqual(summaries(1));

      socket.send(JSON.stringify({ id: 'leaves', type: 'complete' }));
      // The hub lets go of it.
      for (const deadline = Date.now() + 10_000; server.realtime.subscriberCount > before + 1 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      expect(server.realtime.subscriberCount).toBe(before + 1);
      await record(summaries(6));
      await until(() => summariesFor('stays').length === 10);
      expect(summariesFor('stays')).toEqual([...summaries(1), ...summaries(6)]);
      expect(summariesFor('leaves')).toEqual(summaries(1));
      // The client ended it: the server sends no `complete` (nor anything else) for it.
      expect(messages.filter((m) => m.id === 'leaves' && m.type !== 'next')).toEqual([]);
      expect(messages.every((m) => m.type === 'next')).toBe(true);
    } finally {
      socket.close();
    }
  });
});

const FOLLOW_WITH_SUMMARY = `subscription Follow($id: ID) { timelineEventAdded(customerId: $id) { summary customer { displayName } } }`;

/** A raw graphql-transport-ws socket, acknowledged, that keeps every frame as it came. */
function openSocket(secret: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrlOf(server.url), 'graphql-transport-ws');
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } })));
    socket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve(socket) : reject(new Error(String(data)))));
  });
}
