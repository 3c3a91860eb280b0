import 'reflect-metadata';
import { CaseAssignment } from '../src/cases/case-assignment';
import { Channel, Direction, EventKind } from '../src/core/enums';
import { lockLiveCustomers } from '../src/customers/identity-matching';
import type { Database } from '../src/db/database';
import { MergeService } from '../src/merges/merge.service';
import { keyOf } from '../src/relay/global-id';
import { createCustomer, recordCallsFromNewPeople, unique } from './support/factories';
import { USER_ERRORS } from './support/fragments';
import { rowsReadBy } from './support/rows-read';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

// Every recording locks its customers and reads their cases, and an unmerge sorts out which
// events stay in which case. Read by key, that costs the same with a million cases as with ten;
// read by scanning, it grew with every case ever opened.
describe('recording an event', () => {
  it("locks its customer and finds the customer's cases by key lookups, not by reading every customer and every case", async () => {
    // Others' customers and cases, which the recording has no reason to read.
    await recordCallsFromNewPeople(server, 200);
    const customer = await createCustomer(server);
    const key = keyOf(customer.id, 'Customer')!;
    // A merged-away customer whose events go to the survivor, and a case already open.
    const merged = await createCustomer(server);
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: customer.id, mergedId: merged.id } });
    await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`, {
      input: { customerId: customer.id, occurredAt: '2026-04-01T09:00:00Z', direction: 'INBOUND', outcome: 'ANSWERED', source: 'by-key', externalId: unique('call') },
    });

    const cases = new CaseAssignment(7 * 86_400_000);
    const {
      result: { owners, placed },
      read,
    } = await rowsReadBy(server.database, ['customer', 'support_case'], async (sql) => ({
      owners: await lockLiveCustomers(sql, [key, keyOf(merged.id, 'Customer')!], 'events'),
      placed: await cases.place(sql, [
        { index: 0, customerKey: key, kind: EventKind.CALL, channel: Channel.PHONE, direction: Direction.INBOUND, occurredAt: new Date('2026-04-01T10:00:00Z'), agentId: null, details: {}, caseKey: null, aboutEventKey: null, path: [] },
      ]),
    }));
    // Both ids lead to the survivor, and the call joins its open case.
    expect([...owners.values()].map((row) => row?.id)).toEqual([key, key]);
    expect(placed.placements.get(0)).toMatchObject({ caseKey: expect.any(String) });
    expect(placed.rules?.created ?? []).toHaveLength(0);
    // Two customers and their one survivor; the survivor's case (by customer, then by key). Not 200.
    expect(read.customer).toBeLessThanOrEqual(10);
    expect(read.support_case).toBeLessThanOrEqual(10);
  });

});

describe('an unmerge', () => {
  it("sorts out which events stay in which case reading only the two customers' events and cases, not everyone's", async () => {
    await recordCallsFromNewPeople(server, 200);
    const survivor = await createCustomer(server);
    const merged = await createCustomer(server);
    for (const customer of [survivor, merged]) {
      await server.data(`mutation ($input: RecordCallInput!) { recordCall(input: $input) { created ${USER_ERRORS} } }`, {
        input: { customerId: customer.id, occurredAt: '2026-04-02T09:00:00Z', direction: 'INBOUND', outcome: 'ANSWERED', source: 'by-key', externalId: unique('call') },
      });
    }
    await server.data(`mutation ($input: MergeCustomersInput!) { mergeCustomers(input: $input) { ${USER_ERRORS} } }`, { input: { survivorId: survivor.id, mergedId: merged.id } });

    // The merge service over this test's transaction, so that what it reads is counted here.
    const { result, read } = await rowsReadBy(server.database, ['timeline_event', 'timeline_stream', 'support_case'], (sql) =>
      new MergeService({ transaction: (work: (sql: unknown) => unknown) => work(sql) } as unknown as Database).unmerge({ mergedId: merged.id }),
    );
    expect([result.survivor.id, result.restored.id]).toEqual([keyOf(survivor.id, 'Customer'), keyOf(merged.id, 'Customer')]);
    // Two customers with one event and one case each, read a few times over. Not 200.
    expect(read.timeline_event).toBeLessThanOrEqual(40);
    expect(read.timeline_stream).toBeLessThanOrEqual(40);
    expect(read.support_case).toBeLessThanOrEqual(40);
  });
});
