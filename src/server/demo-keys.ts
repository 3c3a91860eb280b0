import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApiKeyService } from '../access/api-keys.service';
import { isWellFormedApiKey } from '../access/api-key-token';
import { Role } from '../core/access-scopes';
import type { Database } from '../db/database';

export type DemoKeys = Record<Role, string>;

/**
 * The embedded demo's credentials: one API key per role, written to a file next to the demo
 * database so `npm start` stays two commands. Kept across starts while the file's keys still
 * work; otherwise (first start, file deleted, keys revoked) the old demo keys are revoked and new
 * ones written. Never called for a DATABASE_URL database.
 */
export async function ensureDemoKeys(db: Database, apiKeys: ApiKeyService, file: string): Promise<{ keys: DemoKeys; created: boolean }> {
  const existing = await readKeys(file);
  if (existing && (await allUsable(apiKeys, existing))) return { keys: existing, created: false };
  const keys = await db.transaction(async (sql) => {
    await sql.query(`UPDATE api_key SET revoked_at = now() WHERE demo AND revoked_at IS NULL`);
    const made = {} as DemoKeys;
    for (const role of Object.values(Role)) {
      made[role] = (await apiKeys.create({ name: `Demo ${role.toLowerCase()}`, role, scopes: [], expiresAt: null, createdBy: 'demo', demo: true }, sql)).secret;
    }
    return made;
  });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return { keys, created: true };
}

async function readKeys(file: string): Promise<DemoKeys | null> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<DemoKeys>;
    return Object.values(Role).every((role) => typeof parsed[role] === 'string' && isWellFormedApiKey(parsed[role]!)) ? (parsed as DemoKeys) : null;
  } catch {
    return null;
  }
}

async function allUsable(apiKeys: ApiKeyService, keys: DemoKeys): Promise<boolean> {
  for (const secret of Object.values(keys)) {
    const row = await apiKeys.findBySecret(secret);
    if (!row || row.revoked_at) return false;
  }
  return true;
}
