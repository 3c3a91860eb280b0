import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { GraphQLError } from 'graphql';
import { createLogger, safeError } from '../core/logger';
import { runInScope } from '../core/request-scope';
import { CaseAssignment } from '../cases/case-assignment';
import { SuppressionList } from '../customers/suppression-list';
import { createDataSource, sessionTimeouts } from '../db/data-source';
import { Database } from '../db/database';
import { EventStorage } from './event-storage';
import type { FromRecordingThread, RecordingThreadData, ToRecordingThread } from './recording-thread';

/**
 * The recording thread (see recording-thread.ts): event storage on pools of its own, so that
 * its transactions' round trips are answered on an event loop that has nothing else to do.
 */
async function serve(port: NonNullable<typeof parentPort>, { databaseUrl, config }: RecordingThreadData): Promise<void> {
  const log = createLogger(config.LOG_LEVEL).child({ thread: 'recording' });
  // Two pools, so that large batches holding every connection of theirs never hold up the
  // transaction single events share, which has one connection of its own.
  const pools = {
    shared: createDataSource({ url: databaseUrl, poolSize: 1, applicationName: 'customer-timeline-recording', timeouts: sessionTimeouts(config) }),
    alone: createDataSource({ url: databaseUrl, poolSize: config.DB_RECORDING_POOL_SIZE, applicationName: 'customer-timeline-recording', timeouts: sessionTimeouts(config) }),
  };
  try {
    await Promise.all([pools.shared.initialize(), pools.alone.initialize()]);
  } catch (error) {
    await Promise.all(Object.values(pools).map((pool) => (pool.isInitialized ? pool.destroy() : undefined)));
    send(port, { kind: 'failedToStart', error: safeError(error) });
    return;
  }
  const suppression = new SuppressionList(config.PRIVACY_HASH_KEY);
  const cases = new CaseAssignment(config.CASE_REOPEN_WINDOW);
  const storage = {
    shared: new EventStorage(Database.configured(pools.shared, config, log), suppression, cases),
    alone: new EventStorage(Database.configured(pools.alone, config, log), suppression, cases),
  };

  port.on('message', (message: ToRecordingThread) => {
    if (message.kind === 'stop') {
      void Promise.all([pools.shared.destroy(), pools.alone.destroy()]).finally(() => send(port, { kind: 'stopped' }));
      return;
    }
    const scope = { statements: 0, deadline: message.deadline, maxConnections: 1, connectionsHeld: 0, waiting: [] };
    runInScope(scope, () => storage[message.shared ? 'shared' : 'alone'].store(message.items)).then(
      (outcomes) => send(port, { kind: 'stored', id: message.id, outcomes, statements: scope.statements }),
      (error: unknown) => send(port, { kind: 'failed', id: message.id, error: crossing(error), statements: scope.statements }),
    );
  });
  send(port, { kind: 'ready' });
}

/**
 * An error as it can cross to the main thread: a GraphQL error as the client will see it;
 * anything else only as the logs may show it (no database message: it quotes values).
 */
function crossing(error: unknown): Extract<FromRecordingThread, { kind: 'failed' }>['error'] {
  if (error instanceof GraphQLError) return { graphql: { message: error.message, extensions: { ...error.extensions } } };
  return { internal: safeError(error) };
}

function send(port: NonNullable<typeof parentPort>, message: FromRecordingThread): void {
  port.postMessage(message);
}

if (!parentPort) throw new Error('recording-worker runs on a worker thread (see recording-thread.ts)');
void serve(parentPort, workerData as RecordingThreadData);
