import { countingServer } from './support/counting-server';
import { dataFrom } from './support/processes';
import { openClient, sleep, subscribe, type Subscription } from './support/subscriptions';
import { waitUntil } from './support/waiting';

const counted = countingServer('count-buffer-bytes.cjs', 'buffer bytes');
const counts = counted.counts;

/** Bytes of the Buffers the server process made so far, and of the text encoded into them. */
async function buffersMade(): Promise<{ bytes: number; textBytes: number }> {
  const line = await counts();
  return { bytes: line.bytes, textBytes: line.textBytes };
}
const bufferBytes = async () => (await buffersMade()).bytes;

const upsert = async (name: string) => (await dataFrom(counted.server(), `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name })).upsertCustomer.customer.id as string;
const CALLS = 50;
const recordCalls = (customerId: string, tag: string, note = 'which had not arrived yet') =>
  dataFrom(counted.server(), `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`, {
    input: {
      events: Array.from({ length: CALLS }, (_, i) => ({
        call: { customerId, occurredAt: '2026-05-01T09:00:00Z', outcome: 'ANSWERED', durationSeconds: 60 + i, source: 'pbx', externalId: `${tag}-${i}`, summary: `Asked about order ${tag}-${i}, ${note}` },
      })),
    },
  });

describe('answers over HTTP', () => {
  it('are written from text: no answer is encoded into a Buffer of its own', async () => {
    const customer = await upsert('Many Calls');
    await recordCalls(customer, 'http', 'and read out the whole of the delivery note: '.repeat(6));
    const PAGE = `query ($id: ID!) { customer(id: $id) { timeline(first: 50) { edges { node { id kind occurredAt summary } } } } }`;
    const answer = await dataFrom(counted.server(), PAGE, { id: customer });
    const answerBytes = Buffer.byteLength(JSON.stringify({ data: answer }));
    expect(answerBytes).toBeGreaterThan(20_000);
    const REQUESTS = 20;
    const before = await buffersMade();
    for (let request = 0; request < REQUESTS; request++) expect(await dataFrom(counted.server(), PAGE, { id: customer })).toEqual(answer);
    const after = await buffersMade();
    // What a request still encodes is short (each event's global id and cursor, about 2.8 KB for
    // this page); what it no longer encodes is its answer, once more than the answer's size.
    expect((after.textBytes - before.textBytes) / REQUESTS).toBeLessThan(answerBytes / 4);
  });
});

describe('next frames of subscriptions', () => {
  it('are written from text: a frame takes no bytes of the Buffer pool beyond its WebSocket header', async () => {
    const followed = await upsert('Followed By Many');
    const unfollowed = await upsert('Followed By Nobody');
    const SUBSCRIBERS = 8;
    const clients = Array.from({ length: SUBSCRIBERS }, () => openClient(counted.server().url));
    try {
      const subscriptions: Subscription[] = clients.map((client) =>
        subscribe(client, `subscription ($id: ID) { timelineEventAdded(customerId: $id) { id kind occurredAt summary streamCursor } }`, { id: followed }),
      );
      // A subscription sees events committed after it registered: record until each has one.
      for (let attempt = 0; subscriptions.some((s) => s.results.length === 0); attempt++) {
        if (attempt === 100) throw new Error('the subscriptions never went live');
        await recordCalls(followed, `warm-${attempt}`);
        await sleep(100);
      }
      const seen = subscriptions.map((s) => s.results.length);

      // The same recording with nobody following and with every subscriber following: the
      // difference is what the frames cost.
      const quiet0 = await bufferBytes();
      await recordCalls(unfollowed, 'quiet');
      const quiet = (await bufferBytes()) - quiet0;
      const followed0 = await bufferBytes();
      await recordCalls(followed, 'loud');
      await waitUntil(async () => subscriptions.every((s, i) => s.results.length === seen[i] + CALLS), 'every delivery came');
      const loud = (await bufferBytes()) - followed0;

      const frames = SUBSCRIBERS * CALLS;
      const frameBytes = JSON.stringify({ id: '1', type: 'next', payload: subscriptions[0].results.at(-1) }).length;
      expect(frameBytes).toBeGreaterThan(200);
      // Each frame's text reaches the socket without a Buffer copy: what is left is ws's 2-4 byte
      // header and the hub's reading of the events (about 17 bytes a frame here; a copy of each
      // frame made it about 410).
      expect((loud - quiet) / frames).toBeLessThan(64);
      expect(subscriptions[0].results.at(-1)!.data!.timelineEventAdded.summary).toContain('loud-');
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
