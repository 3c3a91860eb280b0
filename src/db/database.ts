import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../core/config';
import { badUserInput, conflict, timedOut } from '../core/errors';
import type { Logger } from '../core/logger';
import { currentScope, type RequestScope } from '../core/request-scope';
import { findUnstorableText } from '../core/storable-text';
import { giveBackConnectionSlot, takeConnectionSlot } from './connection-gate';
import { breaksConnection, classifyDatabaseError, publicDatabaseError, StatementDeadline } from './database-errors';
import { DatabaseHealth } from './database-health';
import { PreparedStatements } from './prepared-statements';

/** Runs SQL on one connection; every statement resolves to its rows. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[], options?: StatementOptions): Promise<Row[]>;
}

export interface StatementOptions {
  /**
   * The statement reaches rows only by key (rows written from arrays, updated by id): inside a
   * transaction PostgreSQL keeps one generic plan for it per connection. Under the default
   * plan_cache_mode such a statement is planned again on every call, because a plan made for the
   * array's real length (a handful of rows) always looks cheaper than the generic one; on single
   * events that planning cost as much as running the statements. The generic plan is made with
   * sequential scans off, because it is kept for the connection's life: made on the empty tables
   * of a new deployment, it would otherwise scan them whole on every call as they grow, until the
   * next ANALYZE (never, where autovacuum is off). Outside a transaction it has no effect.
   */
  genericPlan?: boolean;
  /**
   * The scope this statement runs for (its deadline, its count), given by hand instead of the one
   * the async context carries: for work that runs for a scope of its own without switching Node's
   * promise hooks on (a group commit's write; see request-scope.ts). Not for a transaction's
   * statements, which run for the transaction's scope.
   */
  scope?: RequestScope;
}

export interface TransactionOptions {
  /**
   * Plan each statement for the values given, every time, instead of preparing it once per
   * connection: for analytic statements, whose best plan depends on the range asked for and
   * whose planning is a small share of their running.
   */
  planEachTime?: boolean;
  /**
   * Every statement of the transaction reaches rows by key (`= ANY` of an array, or a LATERAL
   * probe per wanted key), as a recording's do: each is planned once per connection, as
   * `StatementOptions.genericPlan` says, and the mode is set in BEGIN's round trip. A join of a
   * table to an array must then be a LATERAL probe: with sequential scans off, a generic plan may
   * still hash the whole of an index.
   */
  planOnceByKey?: boolean;
}

/**
 * One round trip (no parameters: the simple protocol, which takes several statements). Before
 * PostgreSQL 18 a sequential scan that cannot be avoided (a table of a few webhooks) is costed
 * 10^10 with scans off, which JIT would compile on every call: the serving connections run with
 * jit = off (createDataSource), so the mode need not say it again.
 */
const PLAN_ONCE_BY_KEY = `SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off`;
const PLAN_AS_CONFIGURED = `SET LOCAL plan_cache_mode = DEFAULT; SET LOCAL enable_seqscan = DEFAULT`;

export interface DatabaseLimits {
  /**
   * Client-side limit of one statement: a little over the server's statement_timeout, so that a
   * statement whose answer never comes (a network partition) fails in seconds too.
   */
  statementDeadlineMs: number;
  /** Times a transaction runs again after a deadlock, a serialization failure or a lost race. */
  transactionRetries: number;
}

/**
 * The services' way to the database: statements and transactions on TypeORM's connection pool,
 * within the limits of the request they run for (its deadline, and how many connections it may
 * hold), counted for the request log, and failing with errors a client can act on: TIMEOUT,
 * SERVICE_UNAVAILABLE, BAD_USER_INPUT for text PostgreSQL cannot store, CONFLICT when concurrent
 * writes kept colliding. Anything else is left for the error policy to hide.
 */
export class Database implements Sql {
  private readonly prepared = new PreparedStatements();

  constructor(
    private readonly pool: Pool,
    private readonly limits: DatabaseLimits,
    private readonly health: DatabaseHealth,
  ) {}

  /** The pool TypeORM opened for `dataSource` (its `master` pool: we use no replicas). */
  static over(dataSource: DataSource, limits: DatabaseLimits, health: DatabaseHealth): Database {
    const pool = (dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error('the data source must be initialised before the database is used');
    return new Database(pool, limits, health);
  }

  /** The serving configuration: a statement's own deadline a second over statement_timeout, four retries. */
  static configured(dataSource: DataSource, config: Config, log: Logger): Database {
    return Database.over(dataSource, { statementDeadlineMs: config.DB_STATEMENT_TIMEOUT_MS + 1000, transactionRetries: 4 }, new DatabaseHealth(log));
  }

  get isReachable(): boolean {
    return this.health.isReachable;
  }

  /** One statement on any pooled connection. */
  query = async <Row = Record<string, unknown>>(text: string, params: unknown[] = [], options: StatementOptions = {}): Promise<Row[]> => {
    const scope = options.scope ?? currentScope();
    try {
      return await this.withConnection(scope, (client) => this.run<Row>(client, scope, text, params));
    } catch (error) {
      throw publicDatabaseError(error);
    }
  };

  /**
   * Runs `work` in one transaction: committed when it returns, rolled back when it throws. A
   * deadlock, a serialization failure or a LostRace runs it again, up to `transactionRetries`
   * times, so `work` must do nothing outside the transaction that cannot be done twice.
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const scope = currentScope();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withConnection(scope, (client) => this.inTransaction(client, scope, work, options));
      } catch (error) {
        if (classifyDatabaseError(error) !== 'retry') throw publicDatabaseError(error);
        if (attempt >= this.limits.transactionRetries) {
          throw conflict('The write kept colliding with concurrent writes to the same customers; nothing was written. Retry it.');
        }
        if (scope && Date.now() >= scope.deadline) throw timedOut();
        // Jittered, growing pauses, so that the transactions that collided do not collide again.
        await new Promise((resolve) => setTimeout(resolve, (attempt + 1) * (5 + Math.random() * 20)));
      }
    }
  }

  private async inTransaction<T>(client: PoolClient, scope: RequestScope | undefined, work: (sql: Sql) => Promise<T>, options: TransactionOptions): Promise<T> {
    await this.run(client, scope, options.planOnceByKey ? `BEGIN; ${PLAN_ONCE_BY_KEY}` : 'BEGIN', []);
    // The mode the connection plans in now; null when unknown.
    let genericPlans: boolean | null = options.planOnceByKey === true;
    const query = async <Row>(text: string, params: unknown[] = [], statement: StatementOptions = {}): Promise<Row[]> => {
      // Switched only where the next statement wants the other mode (a statement that asks for
      // generic plans in a transaction that does not plan once by key, such as a case move).
      // A statement without parameters is planned where it runs (it is not prepared): any mode will do.
      const wanted = options.planOnceByKey === true || statement.genericPlan === true;
      if (wanted !== genericPlans && params.length > 0) {
        await this.run(client, scope, wanted ? PLAN_ONCE_BY_KEY : PLAN_AS_CONFIGURED, []);
        genericPlans = wanted;
      }
      const rows = await this.run<Row>(client, scope, text, params, options);
      // Rolling back to a savepoint also takes back a switch made after it: set it anew next time.
      if (/^\s*ROLLBACK\s+TO\b/i.test(text)) genericPlans = null;
      return rows;
    };
    try {
      const result = await work({ query });
      // Out of time: roll back rather than commit a write the client was already told failed.
      if (scope && Date.now() >= scope.deadline) throw timedOut();
      await this.run(client, scope, 'COMMIT', []);
      return result;
    } catch (error) {
      if (!breaksConnection(error)) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async withConnection<T>(scope: RequestScope | undefined, use: (client: PoolClient) => Promise<T>): Promise<T> {
    await takeConnectionSlot(scope);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      giveBackConnectionSlot(scope);
      if (classifyDatabaseError(error) === 'unavailable') this.health.failed();
      throw error;
    }
    let broken = false;
    // The connection can die between two statements of a transaction (no query to reject then):
    // pg reports it as an 'error' event, which without a listener would end the process.
    const onLost = () => {
      broken = true;
    };
    client.on('error', onLost);
    try {
      const result = await use(client);
      this.health.succeeded();
      return result;
    } catch (error) {
      broken = breaksConnection(error);
      if (classifyDatabaseError(error) === 'unavailable') this.health.failed();
      throw error;
    } finally {
      // A connection that timed out or failed may still be busy or dead: close it instead of
      // reusing it. What its server still sends (the answer to a statement we gave up on, once a
      // partition heals) must not surface as an unhandled error.
      client.removeListener('error', onLost);
      if (broken) client.on('error', () => undefined);
      client.release(broken || undefined);
      giveBackConnectionSlot(scope);
    }
  }

  private async run<Row>(client: PoolClient, scope: RequestScope | undefined, text: string, params: unknown[], options: TransactionOptions = {}): Promise<Row[]> {
    const unstorable = findUnstorableText(params);
    if (unstorable) throw badUserInput('A value contains characters that cannot be stored (NUL, or an unpaired UTF-16 surrogate).', { reason: 'UNSTORABLE_TEXT' });
    let deadlineMs = this.limits.statementDeadlineMs;
    if (scope) {
      scope.statements++;
      deadlineMs = Math.min(deadlineMs, scope.deadline - Date.now());
      if (deadlineMs <= 0) throw timedOut();
    }
    try {
      const result = await client.query({ text, values: params, name: options.planEachTime ? undefined : this.prepared.nameOf(text, params.length), query_timeout: deadlineMs } as never);
      return (result as unknown as { rows: Row[] }).rows;
    } catch (error) {
      if ((error as { message?: unknown } | null)?.message === 'Query read timeout') throw new StatementDeadline();
      throw error;
    }
  }
}
