import 'reflect-metadata';
import { ApiKeyService } from '../../src/access/api-keys.service';
import { Role, type Scope } from '../../src/core/access-scopes';
import { createLogger } from '../../src/core/logger';
import { createDataSource } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { DatabaseHealth } from '../../src/db/database-health';

/**
 * Credentials for the servers tests start: each server gets an ADMIN key when it starts, which
 * the helpers send unless told otherwise; tests make keys of other roles and scopes to test access.
 */
const byOrigin = new Map<string, string>();

export function registerCredential(url: string, secret: string): void {
  byOrigin.set(new URL(url).origin, secret);
}

/** `Bearer <the server's ADMIN key>`, for the server at `url`. */
export function bearerFor(url: string): string {
  const secret = byOrigin.get(new URL(url).origin);
  if (!secret) throw new Error(`no credential registered for ${url}`);
  return `Bearer ${secret}`;
}

export interface KeySpec {
  role?: Role | null;
  scopes?: Scope[];
  expiresAt?: Date | null;
  budget?: { capacity: number; refillPerSecond: number } | null;
  name?: string;
}

/** Makes an API key straight in a database (as the CLI does); answers its secret and id. */
export async function createKeyIn(databaseUrl: string, spec: KeySpec = { role: Role.ADMIN }): Promise<{ secret: string; id: string }> {
  const dataSource = createDataSource({ url: databaseUrl, poolSize: 1, applicationName: 'customer-timeline-test-keys' });
  await dataSource.initialize();
  try {
    const keys = new ApiKeyService(Database.over(dataSource, { statementDeadlineMs: 10_000, transactionRetries: 0 }, new DatabaseHealth(createLogger('silent'))), { capacity: 100_000, refillPerSecond: 2000 });
    const { row, secret } = await keys.create({
      name: spec.name ?? `test ${spec.role ?? 'scopes'}`,
      role: spec.role === undefined ? Role.ADMIN : spec.role,
      scopes: spec.scopes ?? [],
      expiresAt: spec.expiresAt ?? null,
      budget: spec.budget ?? null,
      createdBy: 'test',
    });
    return { secret, id: row.id };
  } finally {
    await dataSource.destroy();
  }
}
