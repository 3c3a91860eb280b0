import { unique } from './support/factories';
import { countingServer } from './support/counting-server';
import { dataFrom } from './support/processes';

// The DataLoader constructor counted for the whole process.
const counted = countingServer('count-dataloaders.cjs', 'live DataLoaders');
const loadersMade = async (): Promise<number> => (await counted.counts()).made;

const made = async (requests: () => Promise<unknown>): Promise<number> => {
  const before = await loadersMade();
  await requests();
  return (await loadersMade()) - before;
};

describe('a request', () => {
  it('makes only the DataLoaders its fields read through, none when they read through none', async () => {
    const upsert = await dataFrom(counted.server(), `mutation ($name: String!) { upsertCustomer(input: { displayName: $name }) { customer { id } } }`, { name: 'Loaded Lazily' });
    const customerId = upsert.upsertCustomer.customer.id as string;
    const recordCall = () =>
      dataFrom(counted.server(), `mutation ($input: RecordCallInput!) { recordCall(input: $input) { created } }`, {
        input: { customerId, occurredAt: '2026-05-01T09:00:00Z', outcome: 'ANSWERED', durationSeconds: 60, source: 'pbx', externalId: unique('call') },
      });

    // Apollo copies each request's context with Object.assign, which read a `loaders` getter of
    // the context's own and so made all eleven DataLoaders for every request.
    expect(await made(async () => {
      for (let i = 0; i < 5; i++) await recordCall();
    })).toBe(0);
    expect(await made(() => dataFrom(counted.server(), '{ __typename }'))).toBe(0);

    // node(id) reads the customer through one loader; its cases' page through a second.
    const customer = (fields: string) => made(() => dataFrom(counted.server(), `query ($id: ID!) { node(id: $id) { ... on Customer { ${fields} } } }`, { id: customerId }));
    expect(await customer('displayName')).toBe(1);
    expect(await customer('displayName cases(first: 5) { edges { node { id } } }')).toBe(2);
  });
});
