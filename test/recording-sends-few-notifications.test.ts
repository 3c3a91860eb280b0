import { Client } from 'pg';
import { CUSTOMER_CHANNEL, TIMELINE_CHANNEL } from '../src/changefeed/notifications';
import { callsFromNewPeople, createCustomer, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let listener: Client;
/** Every notification this test's database sent, as it arrived: channel and parsed payload. */
const heard: { channel: string; payload: any }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  listener = new Client({ connectionString: server.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => heard.push({ channel: n.channel, payload: JSON.parse(n.payload ?? 'null') }));
  await listener.query(`LISTEN ${TIMELINE_CHANNEL}; LISTEN ${CUSTOMER_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await server.stop();
});

/** The notifications heard from now on, once `done` says they carry everything expected (or after 10 s). */
async function notificationsUntil(done: (heard: { channel: string; payload: any }[]) => boolean, from: number) {
  for (const started = Date.now(); !done(heard.slice(from)) && Date.now() - started < 10_000; ) await new Promise((resolve) => setTimeout(resolve, 20));
  return heard.slice(from);
}
const eventsIn = (notes: { channel: string; payload: any }[]) => notes.filter((n) => n.channel === TIMELINE_CHANNEL).flatMap((n) => n.payload.e);
const createdIn = (notes: { channel: string; payload: any }[]) => notes.filter((n) => n.channel === CUSTOMER_CHANNEL).flatMap((n) => n.payload.c).filter((c: any) => c.k === 'CREATED');

// Every NOTIFY makes its commit take PostgreSQL's one notification-queue lock, so commits that
// carry one are what has to stay bounded under ingest.
describe('recording sends few notifications', () => {
  it('announces a batch of 1,000 first contacts in at most one notification per 25 of its events and people', async () => {
    const events = callsFromNewPeople(1000);
    const from = heard.length;
    const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created ${USER_ERRORS} } } }`, { input: { events } });
    expect(recordEvents.results.every((r: { created: boolean }) => r.created)).toBe(true);

    const notes = await notificationsUntil((n) => eventsIn(n).length >= 1000 && createdIn(n).length >= 1000, from);
    expect(eventsIn(notes)).toHaveLength(1000);
    expect(createdIn(notes)).toHaveLength(1000);
    // 1,000 events and 1,000 new customers: one notification each would be 2,000.
    expect(notes.length).toBeLessThanOrEqual(2000 / 25);
  });

  it('announces concurrent single calls in as many notifications as the transactions that stored them, not one per call', async () => {
    const customers = await Promise.all(Array.from({ length: 5 }, () => createCustomer(server)));
    const from = heard.length;
    const calls = Array.from({ length: 60 }, (_, i) =>
      server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`, {
        input: { customerId: customers[i % customers.length].id, occurredAt: '2026-03-02T09:00:00Z', outcome: 'ANSWERED', source: 'notify-test-calls', externalId: unique('call') },
      }),
    );
    const answers = await Promise.all(calls);
    expect(answers.every((a) => a.recordCall.created)).toBe(true);

    const notes = await notificationsUntil((n) => eventsIn(n).length >= 60, from);
    expect(eventsIn(notes)).toHaveLength(60);
    const [{ transactions }] = await server.db.query(`SELECT count(DISTINCT xmin::text)::int AS transactions FROM timeline_event WHERE source = 'notify-test-calls'`);
    // Calls that came while a group was on its way went together in the next.
    expect(transactions).toBeLessThan(60);
    expect(notes.filter((n) => n.channel === TIMELINE_CHANNEL)).toHaveLength(transactions);
  });
});
