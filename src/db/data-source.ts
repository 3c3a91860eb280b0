import 'reflect-metadata';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { Config } from '../core/config';
import { migrations } from '../../migrations';

/**
 * TypeORM runs only migrations and its own start-up queries; their failures are thrown to the
 * caller. Its own logger would print failing statements with their parameters, so it says nothing.
 */
const silent: TypeOrmLogger = { logQuery() {}, logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };

/** Server-side bounds on every connection of a pool, in milliseconds; 0 turns one off. */
export interface SessionTimeouts {
  /** statement_timeout: the longest one statement may run. */
  statementMs: number;
  /** lock_timeout: the longest a statement waits for a lock. */
  lockMs: number;
  /** idle_in_transaction_session_timeout: a transaction left idle this long is ended by the server. */
  idleInTransactionMs: number;
  /** How long taking a connection from the pool (or opening one) may wait. */
  acquireMs: number;
}

/** For migrations and seeding, which may legitimately run long. */
export const NO_SESSION_TIMEOUTS: SessionTimeouts = { statementMs: 0, lockMs: 0, idleInTransactionMs: 0, acquireMs: 30_000 };

/** The serving pool's timeouts, from the configuration. */
export function sessionTimeouts(config: Config): SessionTimeouts {
  return {
    statementMs: config.DB_STATEMENT_TIMEOUT_MS,
    lockMs: config.DB_LOCK_TIMEOUT_MS,
    idleInTransactionMs: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    acquireMs: config.DB_ACQUIRE_TIMEOUT_MS,
  };
}

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  timeouts?: SessionTimeouts;
}

/**
 * TypeORM's connection pool and migrations; services reach it through `Database`. Every
 * connection renders timestamps in UTC, carries the session timeouts, and keeps TCP keepalive
 * on so a dead peer is noticed even on an idle connection.
 */
export function createDataSource({ url, poolSize = 10, applicationName = 'customer-timeline', timeouts = NO_SESSION_TIMEOUTS }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    logger: silent,
    applicationName,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: timeouts.acquireMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      statement_timeout: timeouts.statementMs || undefined,
      lock_timeout: timeouts.lockMs || undefined,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionMs || undefined,
      // Names match from word similarity 0.55: pg_trgm's default 0.6 misses a one-letter typo in a
      // short name ("ben lnch"), and `%` (similarity 0.3) matches everyone sharing a first name.
      // No JIT: while tables have no statistics yet, the planner's cost guesses for this
      // service's key lookups (a case's events, say) pass jit_above_cost, and compiling then
      // takes ~30 ms of a statement that runs in under one.
      options: '-c TimeZone=UTC -c pg_trgm.word_similarity_threshold=0.55 -c jit=off',
    },
  });
}
