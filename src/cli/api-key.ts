import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ApiKeyService, type ApiKeyRow } from '../access/api-keys.service';
import { Role, Scope } from '../core/access-scopes';
import { loadConfig } from '../core/config';
import { UserInputProblem } from '../core/errors';
import { createLogger } from '../core/logger';
import { createDataSource } from '../db/data-source';
import { Database } from '../db/database';
import { DatabaseHealth } from '../db/database-health';
import { openEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres';
import { migrate } from '../db/migrate';
import { keyOf, toGlobalId } from '../relay/global-id';

const USAGE = `usage:
  npm run --silent api-key -- create --name NAME [--role ADMIN|AGENT|INTEGRATION|ANALYST] [--scopes A,B] [--expires-at ISO-8601]
  npm run --silent api-key -- list
  npm run --silent api-key -- revoke --id ID

Works on DATABASE_URL, or on the embedded database (the running one, or started for the command).
create prints the secret alone on the last line of standard output; it is not stored and not shown again.`;

/** `npm run api-key`: the first key of a deployment, and keys for machines without the API. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, role: { type: 'string' }, scopes: { type: 'string' }, 'expires-at': { type: 'string' }, id: { type: 'string' } },
    strict: true,
  });
  if (command === 'create') {
    const role = values.role ? parseRole(values.role) : null;
    const scopes = values.scopes ? values.scopes.split(',').map((s) => parseScope(s.trim())) : [];
    const expiresAt = values['expires-at'] ? parseInstant(values['expires-at']) : null;
    if (!values.name) throw new UsageError('create needs --name');
    await withKeys(async (keys) => {
      const { row, secret } = await keys.create({ name: values.name!, role, scopes, expiresAt, createdBy: 'cli' });
      console.log(`created ${describe(row)}`);
      console.log('the secret below is shown once; store it now:');
      console.log(secret);
    });
  } else if (command === 'list') {
    await withKeys(async (keys) => {
      const rows: ApiKeyRow[] = [];
      for (let page = await keys.list(100, null); page.length > 0; ) {
        rows.push(...page);
        const last = page[page.length - 1];
        page = page.length < 100 ? [] : await keys.list(100, { createdAt: last.created_at.toISOString(), id: last.id });
      }
      if (rows.length === 0) console.log('no API keys');
      for (const row of rows) console.log(describe(row));
    });
  } else if (command === 'revoke') {
    if (!values.id) throw new UsageError('revoke needs --id');
    const id = keyOf(values.id, 'ApiKey') ?? (/^[0-9a-f-]{36}$/i.test(values.id) ? values.id : null);
    if (!id) throw new UsageError(`${values.id} is not an API key id (see \`list\`)`);
    await withKeys(async (keys) => {
      const row = await keys.revoke(id);
      if (!row) throw new UsageError(`no API key has the id ${values.id}`);
      console.log(`revoked ${describe(row)}`);
    });
  } else {
    throw new UsageError(command ? `unknown command ${command}` : 'name a command');
  }
}

class UsageError extends Error {}

async function withKeys(use: (keys: ApiKeyService) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const log = createLogger('warn');
  let embedded: EmbeddedPostgres | null = null;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await openEmbeddedPostgres(config.EMBEDDED_PG_DIR, config.EMBEDDED_PG_PORT, log);
    url = embedded.url;
  }
  const dataSource = createDataSource({ url, poolSize: 1, applicationName: 'customer-timeline-cli' });
  try {
    await dataSource.initialize();
    await migrate(dataSource);
    const db = Database.over(dataSource, { statementDeadlineMs: 30_000, transactionRetries: 2 }, new DatabaseHealth(log));
    await use(new ApiKeyService(db, { capacity: config.BUDGET_KEY_CAPACITY, refillPerSecond: config.BUDGET_KEY_REFILL_PER_SECOND }));
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

function describe(row: ApiKeyRow): string {
  const state = row.revoked_at ? `revoked ${row.revoked_at.toISOString()}` : row.expires_at && row.expires_at <= new Date() ? 'expired' : 'active';
  return [
    toGlobalId('ApiKey', row.id),
    JSON.stringify(row.name),
    `role=${row.role ?? '-'}`,
    `scopes=${row.scopes.join(',') || '-'}`,
    `secret=${row.hint}`,
    `created=${row.created_at.toISOString()}`,
    `expires=${row.expires_at?.toISOString() ?? 'never'}`,
    `lastUsed=${row.last_used_at?.toISOString() ?? 'never'}`,
    state,
  ].join('  ');
}

function parseRole(value: string): Role {
  const role = value.toUpperCase() as Role;
  if (!Object.values(Role).includes(role)) throw new UsageError(`--role must be one of ${Object.values(Role).join(', ')}`);
  return role;
}

function parseScope(value: string): Scope {
  const scope = value.toUpperCase() as Scope;
  if (!Object.values(Scope).includes(scope)) throw new UsageError(`unknown scope ${value}; scopes are ${Object.values(Scope).join(', ')}`);
  return scope;
}

function parseInstant(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--expires-at must be an ISO-8601 instant, e.g. 2027-01-31T00:00:00Z`);
  return at;
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof UserInputProblem) console.error(error.errors.map((e) => e.message).join('\n'));
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
