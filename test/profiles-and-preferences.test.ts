import { databaseState } from './support/database-state';
import { unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ DEFAULT_PHONE_REGION: 'GB' });
});
afterAll(() => server.stop());

const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) {
  created clientRef customer { id displayName givenName familyName locale timeZone version identifiers { kind value namespace source } } ${USER_ERRORS} } }`;
const PREFERENCES = `mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) {
  customer { version } preferences { preferredChannel language contactHours notes consents { channel granted source } } ${USER_ERRORS} } }`;

async function upsert(input: Record<string, unknown>) {
  return (await server.data(UPSERT, { input })).upsertCustomer;
}

describe('upsertCustomer', () => {
  it('creates, then matches by any identifier in any format, changing only what it is given', async () => {
    const email = `${unique('ada')}@example.com`;
    const created = await upsert({
      givenName: 'Ada',
      familyName: 'Lovelace',
      locale: 'en-gb',
      timeZone: 'Europe/London',
      identifiers: [{ kind: 'EMAIL', value: email.toUpperCase() }],
      source: 'hubspot',
      clientRef: 'row-1',
    });
    expect(created).toMatchObject({ created: true, clientRef: 'row-1', userErrors: [] });
    expect(created.customer).toMatchObject({ displayName: 'Ada Lovelace', locale: 'en-GB', version: 1, identifiers: [{ kind: 'EMAIL', value: email, namespace: null, source: 'hubspot' }] });

    const matched = await upsert({ identifiers: [{ kind: 'EMAIL', value: ` ${email} ` }, { kind: 'PHONE', value: '020 7946 0321' }], displayName: 'Ada L.' });
    expect(matched).toMatchObject({ created: false, userErrors: [] });
    expect(matched.customer).toMatchObject({ id: created.customer.id, displayName: 'Ada L.', givenName: 'Ada', familyName: 'Lovelace', timeZone: 'Europe/London', version: 2 });
    expect(matched.customer.identifiers.map((i: any) => i.value)).toEqual([email, '+442079460321']);

    // Nothing new: no write, no version bump.
    const unchanged = await upsert({ id: created.customer.id, displayName: 'Ada L.' });
    expect(unchanged.customer.version).toBe(2);
  });

  it('refuses an identifier another customer owns, naming that customer, and writes nothing', async () => {
    const a = await upsert({ displayName: 'A', identifiers: [{ kind: 'EMAIL', value: `${unique('a')}@example.com` }] });
    const bEmail = `${unique('b')}@example.com`;
    const b = await upsert({ displayName: 'B', identifiers: [{ kind: 'EMAIL', value: bEmail }] });
    const before = await databaseState(server.db);
    const taken = await upsert({ id: a.customer.id, displayName: 'A2', identifiers: [{ kind: 'EMAIL', value: bEmail }] });
    expect(taken.customer).toBeNull();
    expect(taken.userErrors[0]).toMatchObject({ code: 'IDENTIFIER_TAKEN', field: ['input', 'identifiers', '0'] });
    expect(taken.userErrors[0].message).toContain(b.customer.id);
    expect(await databaseState(server.db)).toEqual(before);
  });

  it('with a stale expectedVersion is a CONFLICT, so racing integrations never lose an update silently', async () => {
    const { customer } = await upsert({ displayName: 'Race', identifiers: [{ kind: 'EMAIL', value: `${unique('race')}@example.com` }] });
    // Ten writers read version 1 and write at once: exactly one wins, the rest are told.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => upsert({ id: customer.id, displayName: `Writer ${i}`, expectedVersion: customer.version })),
    );
    const winners = results.filter((r) => r.userErrors.length === 0);
    const losers = results.filter((r) => r.userErrors.length > 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'expectedVersion'] });
    const { customer: stored } = await server.data(`query ($id: ID!) { customer(id: $id) { displayName version } }`, { id: customer.id });
    expect(stored).toEqual({ displayName: winners[0].customer.displayName, version: 2 });
  });

  it('applies concurrent writes without expectedVersion one after another, losing none', async () => {
    const { customer } = await upsert({ displayName: 'Many', identifiers: [{ kind: 'EMAIL', value: `${unique('many')}@example.com` }] });
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => upsert({ id: customer.id, identifiers: [{ kind: 'EXTERNAL_ID', namespace: 'salesforce', value: `SF-${unique(String(i))}` }] })),
    );
    const { customer: stored } = await server.data(`query ($id: ID!) { customer(id: $id) { version identifiers { kind } } }`, { id: customer.id });
    expect(stored.identifiers).toHaveLength(7);
    expect(stored.version).toBe(7);
  });
});

describe('updatePreferences', () => {
  it('changes only what it is given and keeps every consent change as history', async () => {
    const { customer } = await upsert({ displayName: 'Pref', identifiers: [{ kind: 'EMAIL', value: `${unique('p')}@example.com` }] });
    const first = (await server.data(PREFERENCES, {
      input: { customerId: customer.id, preferredChannel: 'EMAIL', contactHours: 'mornings', notes: ['prefers e-mail'], consents: [{ channel: 'EMAIL', granted: true, source: 'web-form' }] },
    })).updatePreferences;
    expect(first.preferences).toEqual({ preferredChannel: 'EMAIL', language: null, contactHours: 'mornings', notes: ['prefers e-mail'], consents: [{ channel: 'EMAIL', granted: true, source: 'web-form' }] });

    const second = (await server.data(PREFERENCES, { input: { customerId: customer.id, language: 'pt-br', consents: [{ channel: 'SMS', granted: false }, { channel: 'EMAIL', granted: false, source: 'unsubscribe-link' }] } })).updatePreferences;
    expect(second.preferences).toEqual({
      preferredChannel: 'EMAIL',
      language: 'pt-BR',
      contactHours: 'mornings',
      notes: ['prefers e-mail'],
      consents: [
        { channel: 'EMAIL', granted: false, source: 'unsubscribe-link' },
        { channel: 'SMS', granted: false, source: null },
      ],
    });
    expect(second.customer.version).toBe(first.customer.version + 1);

    const cleared = (await server.data(PREFERENCES, { input: { customerId: customer.id, contactHours: null, notes: [] } })).updatePreferences;
    expect(cleared.preferences).toMatchObject({ preferredChannel: 'EMAIL', contactHours: null, notes: [] });

    const key = Buffer.from(customer.id, 'base64url').toString().split(':')[1];
    const history = await server.db.query(`SELECT channel, granted, source FROM consent_change WHERE customer_id = $1 ORDER BY id`, [key]);
    expect(history).toEqual([
      { channel: 'EMAIL', granted: true, source: 'web-form' },
      { channel: 'SMS', granted: false, source: null },
      { channel: 'EMAIL', granted: false, source: 'unsubscribe-link' },
    ]);
  });
});
