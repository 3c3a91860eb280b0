import type { Client } from 'graphql-ws';
import { unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { openClient, sleep, subscribe, untilSubscribed } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer();
  client = openClient(server.url);
});
afterAll(async () => {
  await client.dispose();
  await server.stop();
});

const CHANGED = `subscription ($id: ID) { customerChanged(id: $id) { kind customerId survivorId mergedId occurredAt customer { id displayName version updatedAt } } }`;
const UPSERT = `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id version } ${USER_ERRORS} } }`;
const SYNC = `mutation ($input: SyncCustomersInput!) { syncCustomers(input: $input) { results { customer { id } ${USER_ERRORS} } } }`;
const PREFERENCES = `mutation ($input: UpdatePreferencesInput!) { updatePreferences(input: $input) { ${USER_ERRORS} } }`;
const REMOVE = `mutation ($input: RemoveIdentifierInput!) { removeIdentifier(input: $input) { ${USER_ERRORS} } }`;
const MERGE = `mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`;
const UNMERGE = `mutation ($input: UnmergeCustomersInput!) { unmergeCustomers(input: $input) { ${USER_ERRORS} } }`;

async function upsert(input: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const { upsertCustomer } = await server.data(UPSERT, { input });
  expect(upsertCustomer.userErrors).toEqual([]);
  return upsertCustomer.customer;
}

const changes = (results: { data?: any }[]) => results.map((r) => ({ kind: r.data.customerChanged.kind, customerId: r.data.customerChanged.customerId }));

describe('customerChanged', () => {
  it('announces creation, profile, identifier and preference changes, merges with the survivor id, and unmerges', async () => {
    const before = server.realtime.subscriberCount;
    const everyone = subscribe(client, CHANGED);
    await untilSubscribed(server, before + 1);

    const email = `${unique('maya')}@example.com`;
    const maya = await upsert({ displayName: 'Maya', identifiers: [{ kind: 'EMAIL', value: email }] });
    // Her CREATED notice may reach the server's listener after the commit answered: subscribe to
    // her once it has been handed out, so that her subscriber starts after it, as the test means.
    await everyone.waitFor(1);
    const ofMaya = subscribe(client, CHANGED, { id: maya.id });
    await untilSubscribed(server, before + 2);

    await upsert({ id: maya.id, familyName: 'Okafor' });
    await upsert({ id: maya.id, identifiers: [{ kind: 'PHONE', value: '+44 20 7946 0958' }] });
    await upsert({ id: maya.id, familyName: 'Okafor' }); // no change: nothing announced
    await server.data(PREFERENCES, { input: { customerId: maya.id, preferredChannel: 'EMAIL' } });
    await server.data(REMOVE, { input: { customerId: maya.id, identifier: { kind: 'PHONE', value: '+442079460958' } } });
    // A customer created by recording an event for an identifier nobody had.
    const { recordCall } = await server.data(
      `mutation ($input: RecordCallInput!) { recordCall(input: $input) { customer { id } ${USER_ERRORS} } }`,
      { input: { identifier: { kind: 'PHONE', value: '+1 415 555 0199' }, occurredAt: '2026-01-01T00:00:00Z', outcome: 'MISSED' } },
    );
    const caller = recordCall.customer;
    // A sync whose second item fails: only the first is announced.
    const { syncCustomers } = await server.data(SYNC, {
      input: { customers: [{ displayName: 'Noah', clientRef: 'a' }, { id: maya.id, expectedVersion: 1, displayName: 'stale' }] },
    });
    const noah = syncCustomers.results[0].customer;
    expect(syncCustomers.results[1].userErrors[0].code).toBe('CONFLICT');
    // A dry run writes nothing and announces nothing; the merge does.
    await server.data(MERGE, { input: { survivorId: caller.id, mergedId: maya.id, dryRun: true } });
    expect((await server.data(MERGE, { input: { survivorId: caller.id, mergedId: maya.id } })).mergeCustomers.userErrors).toEqual([]);
    // Maya's subscriber follows her to the survivor: it hears of the survivor's changes now.
    await upsert({ id: caller.id, displayName: 'Maya from the phone' });
    expect((await server.data(UNMERGE, { input: { mergedId: maya.id } })).unmergeCustomers.userErrors).toEqual([]);
    // ...and back to Maya after the unmerge.
    await upsert({ id: caller.id, displayName: 'Caller' });
    await upsert({ id: maya.id, givenName: 'Maya' });

    const expectedForEveryone = [
      { kind: 'CREATED', customerId: maya.id },
      { kind: 'PROFILE_UPDATED', customerId: maya.id },
      { kind: 'IDENTIFIERS_CHANGED', customerId: maya.id },
      { kind: 'PREFERENCES_UPDATED', customerId: maya.id },
      { kind: 'IDENTIFIERS_CHANGED', customerId: maya.id },
      { kind: 'CREATED', customerId: caller.id },
      { kind: 'CREATED', customerId: noah.id },
      { kind: 'MERGED', customerId: maya.id },
      { kind: 'MERGED', customerId: caller.id },
      { kind: 'PROFILE_UPDATED', customerId: caller.id },
      { kind: 'UNMERGED', customerId: maya.id },
      { kind: 'UNMERGED', customerId: caller.id },
      { kind: 'PROFILE_UPDATED', customerId: caller.id },
      { kind: 'PROFILE_UPDATED', customerId: maya.id },
    ];
    await everyone.waitFor(expectedForEveryone.length);
    await sleep(200);
    expect(changes(everyone.results)).toEqual(expectedForEveryone);

    const expectedForMaya = [
      ...expectedForEveryone.slice(1, 5),
      { kind: 'MERGED', customerId: maya.id },
      { kind: 'MERGED', customerId: caller.id },
      { kind: 'PROFILE_UPDATED', customerId: caller.id },
      { kind: 'UNMERGED', customerId: maya.id },
      { kind: 'PROFILE_UPDATED', customerId: maya.id },
    ];
    await ofMaya.waitFor(expectedForMaya.length);
    await sleep(200);
    expect(changes(ofMaya.results)).toEqual(expectedForMaya);

    const merged = everyone.results.find((r) => r.data!.customerChanged.kind === 'MERGED')!.data!.customerChanged;
    expect(merged).toMatchObject({ customerId: maya.id, survivorId: caller.id, mergedId: maya.id });
    // `customer` is the customer as it is on delivery: the survivor for a merged-away id.
    expect(merged.customer.id).toBe(caller.id);
    const profile = everyone.results[1].data!.customerChanged;
    expect(profile).toMatchObject({ survivorId: null, mergedId: null });
    expect(Date.parse(profile.occurredAt)).toBeGreaterThan(0);
    everyone.stop();
    ofMaya.stop();
  });
});
