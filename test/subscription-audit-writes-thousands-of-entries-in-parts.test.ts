import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Role, grantedScopes } from '../src/core/access-scopes';
import { createLogger } from '../src/core/logger';
import type { Viewer } from '../src/core/viewer';
import { SubscriptionAudit } from '../src/server/subscription-audit';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function aViewer(name: string): Viewer {
  return {
    id: `test-viewer-${randomUUID()}`,
    name,
    role: Role.AGENT,
    scopes: grantedScopes(Role.AGENT, []),
    credential: 'api-key',
    apiKeyId: null,
    expiresAt: null,
    budget: { capacity: 1000, refillPerSecond: 100 },
  };
}

describe('what subscriptions showed', () => {
  it('is written in full, each customer once per credential, by statements of at most 1,000 entries', async () => {
    const audit = new SubscriptionAudit(server.services.auditLog, createLogger('silent'));
    const firehose = aViewer('firehose tool');
    const console = aViewer('agent console');
    const many = Array.from({ length: 2500 }, () => randomUUID());
    const few = Array.from({ length: 300 }, () => randomUUID());
    for (const customer of many) audit.add(firehose, 'Everything', [[customer, 'timelineEventAdded']]);
    // The same customers again: still one entry each.
    audit.add(firehose, 'Everything', many.slice(0, 100).map((customer) => [customer, 'timelineEventAdded'] as const));
    audit.add(console, 'Follow', few.map((customer) => [customer, 'timelineEventAdded'] as const));
    await audit.flush();

    const written = await server.db.query(`SELECT actor_id, customer_id, operation_name, xmin::text AS statement FROM audit_entry WHERE actor_id = ANY($1)`, [[firehose.id, console.id]]);
    const customersOf = (viewer: Viewer) => written.filter((row: any) => row.actor_id === viewer.id).map((row: any) => row.customer_id).sort();
    expect(customersOf(firehose)).toEqual([...many].sort());
    expect(customersOf(console)).toEqual([...few].sort());
    // Each statement runs in a transaction of its own: its rows share one xmin.
    const perStatement = new Map<string, number>();
    for (const row of written) perStatement.set(row.statement, (perStatement.get(row.statement) ?? 0) + 1);
    expect(Math.max(...perStatement.values())).toBeLessThanOrEqual(1000);
  });
});
