import { Role } from '../src/core/access-scopes';
import { countRows } from './support/database-state';
import { createCustomer, unique } from './support/factories';
import { RECORD_PAYLOAD, USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const RECORD_REVIEW = `mutation ($input: RecordReviewInput!) { recordReview(input: $input) { ${RECORD_PAYLOAD} } }`;
const review = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  occurredAt: '2026-05-01T09:00:00Z',
  platform: 'Trustpilot',
  rating: 4,
  title: 'Fast delivery',
  text: 'Shoes arrived in two days, exchange was easy.',
  url: 'https://www.trustpilot.com/reviews/abc123',
  source: 'trustpilot',
  externalId: unique('review'),
  ...extra,
});

describe('recordReview', () => {
  it('stores a review with its rating on a 5-star scale by default, summarised, and reads it back', async () => {
    const customer = await createCustomer(server);
    const { recordReview } = await server.data(RECORD_REVIEW, { input: review(customer.id) });
    expect(recordReview.userErrors).toEqual([]);
    expect(recordReview.event).toMatchObject({
      __typename: 'ReviewEvent',
      kind: 'REVIEW',
      channel: 'WEB',
      direction: null,
      platform: 'trustpilot',
      rating: 4,
      scaleMax: 5,
      title: 'Fast delivery',
      text: 'Shoes arrived in two days, exchange was easy.',
      url: 'https://www.trustpilot.com/reviews/abc123',
      summary: 'Review on Trustpilot, 4/5: Fast delivery',
    });
  });

  it('is idempotent by source and externalId, and goes into recordEvents batches', async () => {
    const customer = await createCustomer(server);
    const input = review(customer.id);
    const first = (await server.data(RECORD_REVIEW, { input })).recordReview;
    const again = (await server.data(RECORD_REVIEW, { input })).recordReview;
    expect([first.created, again.created, again.event.id]).toEqual([true, false, first.event.id]);
    const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { created event { kind } ${USER_ERRORS} } } }`, {
      input: { events: [{ review: review(customer.id, { rating: 10, scaleMax: 10, platform: 'google' }) }] },
    });
    expect(recordEvents.results).toEqual([{ created: true, event: { kind: 'REVIEW' }, userErrors: [] }]);
  });

  it.each([
    [{ rating: 0 }, ['input', 'rating'], 'OUT_OF_RANGE'],
    [{ rating: 6 }, ['input', 'rating'], 'OUT_OF_RANGE'],
    [{ rating: 8, scaleMax: 7 }, ['input', 'rating'], 'OUT_OF_RANGE'],
    [{ scaleMax: 1 }, ['input', 'scaleMax'], 'OUT_OF_RANGE'],
    [{ url: 'javascript:alert(1)' }, ['input', 'url'], 'INVALID'],
    [{ platform: 'not a platform!' }, ['input', 'platform'], 'INVALID'],
    [{ title: 'x'.repeat(301) }, ['input', 'title'], 'TOO_LONG'],
    [{ channel: 'PHONE' }, ['input', 'channel'], 'INVALID'],
  ])('refuses %j with a user error and stores nothing', async (change, field, code) => {
    const customer = await createCustomer(server);
    const events = await countRows(server.db, 'timeline_event');
    const { recordReview } = await server.data(RECORD_REVIEW, { input: review(customer.id, change) });
    expect(recordReview.created).toBe(false);
    expect(recordReview.userErrors).toEqual([expect.objectContaining({ field, code })]);
    expect(await countRows(server.db, 'timeline_event')).toBe(events);
  });

  it('hides the words and the link from a caller without PII_READ, and keeps the rating', async () => {
    const customer = await createCustomer(server);
    const { recordReview } = await server.data(RECORD_REVIEW, { input: review(customer.id) });
    const analyst = await server.createKey({ role: Role.ANALYST });
    const { node } = await server.as(analyst.secret).data(`query ($id: ID!) { node(id: $id) { ... on ReviewEvent { platform rating scaleMax title text url summary } } }`, { id: recordReview.event.id });
    expect(node).toEqual({ platform: 'trustpilot', rating: 4, scaleMax: 5, title: null, text: null, url: null, summary: 'Review on Trustpilot, 4/5' });
  });
});

describe('a video call', () => {
  it('is a CallEvent on the VIDEO channel', async () => {
    const customer = await createCustomer(server);
    const { recordCall } = await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { ${RECORD_PAYLOAD} } }`, {
      input: { customerId: customer.id, occurredAt: '2026-05-02T09:00:00Z', channel: 'VIDEO', direction: 'INBOUND', outcome: 'ANSWERED', durationSeconds: 300 },
    });
    expect(recordCall.event).toMatchObject({ __typename: 'CallEvent', channel: 'VIDEO', summary: 'Inbound call, answered, 5m 00s' });
    const { customer: read } = await server.data(`query ($id: ID!) { customer(id: $id) { timeline(first: 5, filter: { channels: [VIDEO] }) { edges { node { id } } } } }`, { id: customer.id });
    expect(read.timeline.edges.map((e: any) => e.node.id)).toEqual([recordCall.event.id]);
  });
});
