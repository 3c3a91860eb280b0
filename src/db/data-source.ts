import 'reflect-metadata';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { countStatement } from '../app/sql-statement-count';
import { migrations } from '../../migrations';

/** Sends TypeORM's query events to the per-request statement tally and errors to our log. */
class StatementCountingLogger implements TypeOrmLogger {
  constructor(private readonly onError?: (message: string) => void) {}
  logQuery(): void {
    countStatement();
  }
  logQueryError(error: string | Error): void {
    this.onError?.(typeof error === 'string' ? error : error.message);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export function createDataSource({ url, poolSize = 10, applicationName = 'customer-timeline' }: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: true,
    logger: new StatementCountingLogger(),
    applicationName,
    extra: {
      max: poolSize,
      // Timestamps are rendered in UTC so cursors and logs read the same everywhere.
      // Names match from word similarity 0.55: pg_trgm's default 0.6 misses a one-letter typo in a
      // short name ("ben lnch"), and `%` (similarity 0.3) matches everyone sharing a first name.
      options: '-c TimeZone=UTC -c pg_trgm.word_similarity_threshold=0.55',
    },
  });
}
