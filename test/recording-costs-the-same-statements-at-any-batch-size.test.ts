import { unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_EVENTS = `mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created ${USER_ERRORS} } } }`;

/** A batch of calls from `count` people nobody has recorded yet, by e-mail address. */
function firstContacts(count: number): Record<string, unknown>[] {
  const people = unique('first');
  return Array.from({ length: count }, (_, i) => ({
    call: { identifier: { kind: 'EMAIL', value: `${people}-${i}@example.com` }, occurredAt: '2026-06-01T09:00:00Z', outcome: 'ANSWERED', source: 'statement-count', externalId: `${people}-${i}` },
  }));
}

async function statementsOf(events: Record<string, unknown>[]): Promise<number> {
  const answer = await server.graphql(RECORD_EVENTS, { input: { events } });
  expect(answer.errors).toBeUndefined();
  expect(answer.data.recordEvents.results.every((r: { created: boolean }) => r.created)).toBe(true);
  return answer.extensions!.sqlStatements!;
}

describe('recording a batch', () => {
  it('costs the same SQL statements for 1,000 first contacts as for 20: set-based, not a statement per event, person or notification', async () => {
    const twenty = await statementsOf(firstContacts(20));
    const thousand = await statementsOf(firstContacts(1000));
    expect(thousand).toBe(twenty);
    // Reads, customers and their identifiers, cases, events, rollups, stream positions, notifications, audit.
    expect(thousand).toBeLessThanOrEqual(25);
  });
});
