import { callsFromNewPeople, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created ${USER_ERRORS} } } }`;
const RECORD_CALL = `mutation ($input: RecordCallInput!) { recordCall(input: $input) { event { id } ${USER_ERRORS} } }`;

async function statementsOf(events: Record<string, unknown>[]): Promise<number> {
  const answer = await server.graphql(RECORD_EVENTS, { input: { events } });
  expect(answer.errors).toBeUndefined();
  expect(answer.data.recordEvents.results.every((r: { created: boolean }) => r.created)).toBe(true);
  return answer.extensions!.sqlStatements!;
}

describe('recording a batch', () => {
  it('costs the same SQL statements for 1,000 first contacts as for 20: set-based, not a statement per event, person or notification', async () => {
    const twenty = await statementsOf(callsFromNewPeople(20));
    const thousand = await statementsOf(callsFromNewPeople(1000));
    expect(thousand).toBe(twenty);
    // Reads, customers and their identifiers, cases, events, the read models (one statement), stream positions, notifications, audit.
    // (The recording plans each statement once per connection; the mode is set with BEGIN, in the same round trip.)
    expect(thousand).toBeLessThanOrEqual(25);
  });

  it("moves the figures of cases that only took later contacts on in one statement, where earlier ones work them out again", async () => {
    const first = callsFromNewPeople(20);
    await statementsOf(first);
    // The same people call again: once after their first calls, once before them (an import of older calls).
    const again = (occurredAt: string) =>
      first.map(({ call }) => ({ call: { ...(call as object), occurredAt, externalId: unique('again') } }));
    const later = await statementsOf(again('2026-04-01T09:00:00Z'));
    const earlier = await statementsOf(again('2026-04-01T07:00:00Z'));
    // Earlier: the one statement finds them behind, then the cases' history and events are read and the cases written.
    expect(earlier - later).toBe(3);
  });

});

describe('recording one call', () => {
  it('from a known customer costs one recording transaction of fixed statements, read models in one', async () => {
    const [{ call: first }] = callsFromNewPeople(1);
    await statementsOf([{ call: first }]);
    const answer = await server.graphql(RECORD_CALL, { input: { ...(first as object), occurredAt: '2026-04-01T09:00:00Z', externalId: unique('again') } });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.recordCall.userErrors).toEqual([]);
    // The recording transaction (the replay check, the customer by its identifier, its cases
    // under their lock, the event, the case moved on, the read models, the stream position) and
    // the audit entry; it took 15 before the daily figures and customer activity shared one statement.
    // Planned once per connection, with the mode set in BEGIN's round trip: no statement more for it.
    expect(answer.extensions!.sqlStatements).toBe(14);
  });
});
