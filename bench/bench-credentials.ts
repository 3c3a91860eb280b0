import type { DataSource } from 'typeorm';
import { ApiKeyService } from '../src/access/api-keys.service';
import { Role } from '../src/core/access-scopes';
import { createLogger } from '../src/core/logger';
import { Database } from '../src/db/database';
import { DatabaseHealth } from '../src/db/database-health';

/** A budget no benchmark spends: what is measured is the work, not the rate limit. */
export const UNSPENT_BUDGET = { capacity: 1_000_000_000, refillPerSecond: 1_000_000_000 };

/** An API key made straight in the benchmark's database, as `npm run api-key` makes one; answers its secret. */
export async function createBenchKey(db: DataSource, role: Role, name: string, budget: { capacity: number; refillPerSecond: number } | null = UNSPENT_BUDGET): Promise<string> {
  const keys = new ApiKeyService(Database.over(db, { statementDeadlineMs: 30_000, transactionRetries: 2 }, new DatabaseHealth(createLogger('silent'))), UNSPENT_BUDGET);
  const { secret } = await keys.create({ name, role, scopes: [], expiresAt: null, budget, createdBy: 'bench' });
  return secret;
}

export { Role };
