import { databaseState } from './support/database-state';
import { unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const CUSTOMER_FIELDS = `id displayName givenName familyName locale timeZone version
  identifiers { kind value namespace }
  preferences { preferredChannel language contactHours notes consents { channel granted source } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { dryRun mergedId eventCount survivor { ${CUSTOMER_FIELDS} } ${USER_ERRORS} } }`;
const UNMERGE = `mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) {
  survivor { ${CUSTOMER_FIELDS} timeline(first: 100) { edges { node { id summary } } } }
  restored { ${CUSTOMER_FIELDS} timeline(first: 100) { edges { node { id summary } } } } ${USER_ERRORS} } }`;
const READ = `query ($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} timeline(first: 100) { edges { node { id summary } } } } }`;

interface Person {
  id: string;
  email: string;
  eventIds: string[];
}

/** A customer with a profile, preferences, consents and some events, all through the API. */
async function person(name: string, profile: Record<string, unknown>, preferences: Record<string, unknown>, events: number): Promise<Person> {
  const email = `${unique(name.toLowerCase().replace(/[^a-z]+/g, '.'))}@example.com`;
  const { upsertCustomer } = await server.data(`mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } ${USER_ERRORS} } }`, {
    input: { displayName: name, identifiers: [{ kind: 'EMAIL', value: email }], ...profile },
  });
  const id = upsertCustomer.customer.id;
  await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, { input: { customerId: id, ...preferences } });
  const { recordEvents } = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } } } }`, {
    input: {
      events: Array.from({ length: events }, (_, i) => ({
        call: { customerId: id, occurredAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(), outcome: 'ANSWERED', summary: `${name} call ${i}` },
      })),
    },
  });
  return { id, email, eventIds: recordEvents.results.map((r: any) => r.event.id) };
}

const ids = (customer: any) => customer.timeline.edges.map((e: any) => e.node.id).sort();

describe('mergeCustomers and unmergeCustomers', () => {
  it('merges with the documented precedence, keeps the merged id resolving, and unmerges back to both profiles', async () => {
    const survivor = await person('Maya Okafor', { timeZone: 'Europe/London' }, { preferredChannel: 'EMAIL', notes: ['prefers e-mail'], consents: [{ channel: 'EMAIL', granted: true, source: 'crm' }] }, 3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const merged = await person('M. Okafor', { givenName: 'Maya', locale: 'en-GB', timeZone: 'America/New_York' }, { contactHours: 'mornings', notes: ['size M', 'prefers e-mail'], consents: [{ channel: 'EMAIL', granted: false, source: 'unsubscribe' }, { channel: 'SMS', granted: true }] }, 2);
    const before = { survivor: (await server.data(READ, { id: survivor.id })).customer, merged: (await server.data(READ, { id: merged.id })).customer };

    // Dry run: the would-be survivor, and nothing written.
    const state = await databaseState(server.db);
    const dry = (await server.data(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id, dryRun: true } })).mergeCustomers;
    expect(dry).toMatchObject({ dryRun: true, eventCount: 5, userErrors: [] });
    expect(dry.survivor.identifiers.map((i: any) => i.value).sort()).toEqual([survivor.email, merged.email].sort());
    expect(await databaseState(server.db)).toEqual(state);
    expect((await server.data(READ, { id: merged.id })).customer.id).toBe(merged.id);

    const done = (await server.data(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id, source: 'agent-7' } })).mergeCustomers;
    expect(done).toMatchObject({ dryRun: false, mergedId: merged.id, eventCount: 5, userErrors: [] });
    // Survivor's fields win when set; empty ones are filled; notes unioned; newest consent per channel wins.
    expect(done.survivor).toMatchObject({
      id: survivor.id,
      displayName: 'Maya Okafor',
      givenName: 'Maya',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      preferences: {
        preferredChannel: 'EMAIL',
        contactHours: 'mornings',
        notes: ['prefers e-mail', 'size M'],
        consents: [
          { channel: 'EMAIL', granted: false, source: 'unsubscribe' },
          { channel: 'SMS', granted: true, source: null },
        ],
      },
    });
    expect(dry.survivor).toEqual(done.survivor);

    // The merged id resolves to the survivor everywhere.
    const viaMerged = (await server.data(READ, { id: merged.id })).customer;
    expect(viaMerged.id).toBe(survivor.id);
    expect(ids(viaMerged)).toEqual([...survivor.eventIds, ...merged.eventIds].sort());
    const { node } = await server.data(`query ($id: ID!) { node(id: $id) { id } }`, { id: merged.id });
    expect(node.id).toBe(survivor.id);
    const byOldEmail = await server.data(`query ($v: String!) { customerByIdentifier(identifier: {kind: EMAIL, value: $v}) { id } }`, { v: merged.email });
    expect(byOldEmail.customerByIdentifier.id).toBe(survivor.id);
    const [ledger] = await server.db.query(`SELECT source, unmerged_at FROM customer_merge`);
    expect(ledger).toEqual({ source: 'agent-7', unmerged_at: null });

    // After the merge, events arrive for the merged customer's e-mail, by its old id, and for the survivor.
    const after = await server.data(`mutation ($input: RecordEventsInput!) { recordEvents(input: $input) { results { event { id } customer { id } } } }`, {
      input: {
        events: [
          { email: { identifier: { kind: 'EMAIL', value: merged.email }, occurredAt: '2026-02-01T00:00:00Z', fromAddress: merged.email, toAddresses: ['help@example.net'], summary: 'after: by merged e-mail' } },
          { call: { customerId: merged.id, occurredAt: '2026-02-02T00:00:00Z', outcome: 'MISSED', summary: 'after: by merged id' } },
          { call: { customerId: survivor.id, occurredAt: '2026-02-03T00:00:00Z', outcome: 'MISSED', summary: 'after: by survivor id' } },
        ],
      },
    });
    const [byMergedEmail, byMergedId, bySurvivorId] = after.recordEvents.results;
    expect(after.recordEvents.results.every((r: any) => r.customer.id === survivor.id)).toBe(true);

    // A later edit on the survivor must survive the unmerge.
    await server.data(`mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`, { input: { customerId: survivor.id, language: 'en' } });

    const undone = (await server.data(UNMERGE, { input: { mergedId: merged.id } })).unmergeCustomers;
    expect(undone.userErrors).toEqual([]);
    expect(ids(undone.restored)).toEqual([...merged.eventIds, byMergedEmail.event.id, byMergedId.event.id].sort());
    expect(ids(undone.survivor)).toEqual([...survivor.eventIds, bySurvivorId.event.id].sort());
    const strip = ({ version, timeline, ...rest }: any) => rest;
    expect(strip(undone.restored)).toEqual(strip(before.merged));
    expect(strip(undone.survivor)).toEqual({ ...strip(before.survivor), preferences: { ...before.survivor.preferences, language: 'en' } });
    expect((await server.data(READ, { id: merged.id })).customer.id).toBe(merged.id);
    const [closed] = await server.db.query(`SELECT unmerged_at IS NOT NULL AS closed FROM customer_merge`);
    expect(closed.closed).toBe(true);
  });

  it('unmerges the middle of a chain: what was merged into the merged customer goes back with it', async () => {
    const a = await person('Alpha', {}, {}, 1);
    const b = await person('Bravo', {}, {}, 1);
    const c = await person('Charlie', {}, {}, 1);
    expect((await server.data(MERGE, { input: { survivorId: b.id, mergedId: c.id } })).mergeCustomers.userErrors).toEqual([]);
    expect((await server.data(MERGE, { input: { survivorId: a.id, mergedId: b.id } })).mergeCustomers.userErrors).toEqual([]);
    expect((await server.data(READ, { id: c.id })).customer.id).toBe(a.id);

    const undone = (await server.data(UNMERGE, { input: { mergedId: b.id } })).unmergeCustomers;
    expect(undone.userErrors).toEqual([]);
    expect(ids(undone.survivor)).toEqual(a.eventIds);
    expect(ids(undone.restored)).toEqual([...b.eventIds, ...c.eventIds].sort());
    expect((await server.data(READ, { id: c.id })).customer.id).toBe(b.id);
    expect(undone.restored.identifiers.map((i: any) => i.value).sort()).toEqual([b.email, c.email].sort());
  });

  it('refuses bad merges and unmerges with a clear error and writes nothing', async () => {
    const a = await person('Delta', {}, {}, 1);
    const b = await person('Echo', {}, {}, 1);
    const c = await person('Foxtrot', {}, {}, 0);
    await server.data(MERGE, { input: { survivorId: a.id, mergedId: b.id } });
    const missing = Buffer.from('Customer:00000000-0000-4000-8000-000000000000').toString('base64url');
    const cases: [string, Record<string, unknown>, string, string[]][] = [
      [MERGE, { survivorId: a.id, mergedId: a.id }, 'INVALID', ['input', 'mergedId']],
      [MERGE, { survivorId: c.id, mergedId: b.id }, 'ALREADY_MERGED', ['input', 'mergedId']],
      [MERGE, { survivorId: b.id, mergedId: c.id }, 'ALREADY_MERGED', ['input', 'survivorId']],
      [MERGE, { survivorId: a.id, mergedId: missing }, 'NOT_FOUND', ['input', 'mergedId']],
      [MERGE, { survivorId: 'nope', mergedId: c.id }, 'INVALID', ['input', 'survivorId']],
      [UNMERGE, { mergedId: c.id }, 'NOT_MERGED', ['input', 'mergedId']],
      [UNMERGE, { mergedId: a.id }, 'NOT_MERGED', ['input', 'mergedId']],
      [UNMERGE, { mergedId: missing }, 'NOT_FOUND', ['input', 'mergedId']],
    ];
    for (const [mutation, input, code, field] of cases) {
      const before = await databaseState(server.db);
      const [ledgerBefore] = await server.db.query(`SELECT count(*)::int AS n, count(unmerged_at)::int AS closed FROM customer_merge`);
      const response = await server.data(mutation, { input });
      const payload: any = Object.values(response)[0];
      expect(payload.userErrors[0]).toMatchObject({ code, field });
      expect(await databaseState(server.db)).toEqual(before);
      expect((await server.db.query(`SELECT count(*)::int AS n, count(unmerged_at)::int AS closed FROM customer_merge`))[0]).toEqual(ledgerBefore);
    }
    // Unmerging twice: the second time there is nothing to undo.
    expect((await server.data(UNMERGE, { input: { mergedId: b.id } })).unmergeCustomers.userErrors).toEqual([]);
    expect((await server.data(UNMERGE, { input: { mergedId: b.id } })).unmergeCustomers.userErrors[0].code).toBe('NOT_MERGED');
  });
});
