import { Role } from '../src/core/access-scopes';
import { createCustomer } from './support/factories';
import { openClient, subscribe } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let customerId: string;
beforeAll(async () => {
  server = await startTestServer({ EXPOSE_SQL_STATEMENT_COUNT: 'true' });
  customerId = (await createCustomer(server)).id;
});
afterAll(() => server.stop());

const READ = `query ($id: ID!) { customer(id: $id) { id displayName } }`;

async function keyWithBudget(capacity: number, refillPerSecond: number): Promise<string> {
  return (await server.createKey({ role: Role.AGENT, budget: { capacity, refillPerSecond } })).secret;
}

describe("a credential's budget", () => {
  it('is spent by what answers cost, shown in RateLimit-* headers, and past it the answer is 429 RATE_LIMITED with nothing run', async () => {
    const secret = await keyWithBudget(10, 1);
    const first = await server.as(secret).post(READ, { id: customerId });
    expect(first.status).toBe(200);
    const cost = first.body.extensions!.cost!;
    expect(cost).toMatchObject({ requested: 3, actual: 3, limit: 10, remaining: 7 });
    expect(first.headers.get('ratelimit-limit')).toBe('10');
    expect(first.headers.get('ratelimit-remaining')).toBe('7');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(3);

    await server.as(secret).post(READ, { id: customerId });
    await server.as(secret).post(READ, { id: customerId });
    const refused = await server.as(secret).post(READ, { id: customerId });
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) })]);
    const wait = refused.body.errors![0].extensions!.retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('retry-after')).toBe(String(wait));
    expect(refused.body.extensions?.sqlStatements).toBe(0);

    // Someone else's budget is their own.
    expect((await server.post(READ, { id: customerId })).status).toBe(200);
    // It refills: after the wait it answers again.
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    expect((await server.as(secret).post(READ, { id: customerId })).status).toBe(200);
  });

  it('gives back at once what an answer did not use', async () => {
    const secret = await keyWithBudget(1000, 1);
    const answer = await server.as(secret).post(`{ searchCustomers(query: "nobody-by-this-name", first: 50) { edges { node { id displayName } } } }`);
    const cost = answer.body.extensions!.cost!;
    expect(cost.requested).toBeGreaterThan(100);
    expect(cost.actual).toBeLessThan(10);
    expect(cost.remaining).toBe(1000 - cost.actual);
  });

  it('bounds one query too: costlier than the whole budget is MAX_COST at the budget', async () => {
    const secret = await keyWithBudget(50, 50);
    const answer = await server.as(secret).post(`query ($id: ID!) { customer(id: $id) { timeline(first: 100) { edges { node { id summary } } } } }`, { id: customerId });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_COST', cost: { limit: 50 } });
  });

  it('is spent by subscribing too', async () => {
    const secret = await keyWithBudget(4, 1);
    await server.as(secret).post(READ, { id: customerId });
    const client = openClient(server.url, { connectionParams: { authorization: `Bearer ${secret}` } });
    try {
      const refused = subscribe(client, `subscription ($id: ID) { customerChanged(id: $id) { kind customer { displayName } } }`, { id: customerId });
      await refused.waitForEnd();
      expect(refused.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) })]);
    } finally {
      await client.dispose();
    }
  });
});
