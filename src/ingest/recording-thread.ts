import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { GraphQLError } from 'graphql';
import type { Config } from '../core/config';
import { currentScope } from '../core/request-scope';
import { startWorkerThread } from '../core/worker-thread';
import type { EventStore, StorableEvent, StorageOutcome, StoreOptions } from './event-storage';

/** What the recording thread is started with. */
export interface RecordingThreadData {
  databaseUrl: string;
  config: Config;
}

export type ToRecordingThread = { kind: 'store'; id: number; items: StorableEvent[]; shared: boolean; deadline: number } | { kind: 'stop' };

export type FromRecordingThread =
  | { kind: 'ready' }
  | { kind: 'failedToStart'; error: Record<string, unknown> }
  | { kind: 'stored'; id: number; outcomes: StorageOutcome[]; statements: number }
  | { kind: 'failed'; id: number; error: { graphql: { message: string; extensions: Record<string, unknown> } } | { internal: Record<string, unknown> }; statements: number }
  | { kind: 'stopped' };

/**
 * Whatever failed on the recording thread that was not meant for the client, with what the logs
 * may show of it (for a database error: its SQLSTATE, constraint and table, never its message).
 */
export class RecordingThreadFailure extends Error {
  constructor(shown: Record<string, unknown>) {
    const { type, message, stack, ...fields } = shown;
    super(typeof message === 'string' ? message : `${String(type)} on the recording thread`);
    Object.assign(this, fields);
    if (typeof stack === 'string') this.stack = stack;
  }
}

type Answer = Extract<FromRecordingThread, { kind: 'stored' | 'failed' }>;

/**
 * Event storage on a thread of its own, with pools of its own: one connection for the transaction
 * single events share, DB_RECORDING_POOL_SIZE for large batches. A recording
 * transaction is a dozen round trips one after another; on the main thread each answer waited
 * behind whatever HTTP, GraphQL and audit work was queued there, which under load made a single
 * event's transaction take three times as long as PostgreSQL took to run it, and every event
 * waiting for the next shared transaction waited as long. Events cross as plain data: validated
 * ones in, stored rows and user errors out. The thread's statements count for the request that
 * asked, as if they had run here.
 */
export class RecordingThread implements EventStore {
  /** The thread, once started (or starting); null before, and after it was lost. */
  private thread: Promise<Worker> | null = null;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private lastId = 0;
  private stopping: Promise<void> | null = null;

  constructor(private readonly data: RecordingThreadData) {}

  /** Starts the thread; resolves once its pool is open, fails when it cannot open. */
  async start(): Promise<void> {
    await this.running();
  }

  /** Stores events in one transaction on the thread, within the current request's deadline. */
  async store(items: StorableEvent[], { shared }: StoreOptions = { shared: false }): Promise<StorageOutcome[]> {
    if (this.stopping) throw new Error('the recording thread is stopping');
    const worker = await this.running();
    const scope = currentScope();
    const id = ++this.lastId;
    const answer = await new Promise<Answer>((settle) => {
      // Posted first: items that cannot be copied throw here, leaving nothing waiting (the answer comes in a later task).
      worker.postMessage({ kind: 'store', id, items, shared, deadline: scope?.deadline ?? Date.now() + this.data.config.OPERATION_TIMEOUT_MS } satisfies ToRecordingThread);
      this.waiting.set(id, settle);
    });
    if (scope) scope.statements += answer.statements;
    if (answer.kind === 'stored') return answer.outcomes;
    const { error } = answer;
    throw 'graphql' in error ? new GraphQLError(error.graphql.message, { extensions: error.graphql.extensions }) : new RecordingThreadFailure(error.internal);
  }

  /** Closes the thread's pool and ends it; stores still on their way fail. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const worker = await this.thread?.catch(() => null);
      this.thread = null;
      if (!worker) return;
      await new Promise<void>((resolve) => {
        worker.on('message', (message: FromRecordingThread) => message.kind === 'stopped' && resolve());
        worker.once('exit', () => resolve());
        worker.postMessage({ kind: 'stop' } satisfies ToRecordingThread);
      });
      await worker.terminate();
      this.failAll(new Error('the recording thread stopped'));
    })();
    return this.stopping;
  }

  private running(): Promise<Worker> {
    this.thread ??= this.launch().catch((error: unknown) => {
      this.thread = null;
      throw error;
    });
    return this.thread;
  }

  private async launch(): Promise<Worker> {
    const worker = startWorkerThread(path.join(__dirname, `recording-worker${path.extname(__filename)}`), this.data);
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (settle: () => void) => {
          // (Each listener by name: removeAllListeners would also take Node's own, which keep the port started.)
          worker.off('message', starting).off('error', failed).off('exit', exited);
          settle();
        };
        const starting = (message: FromRecordingThread) => {
          if (message.kind === 'ready') done(resolve);
          else if (message.kind === 'failedToStart') done(() => reject(new RecordingThreadFailure(message.error)));
        };
        const failed = (error: unknown) => done(() => reject(error));
        const exited = (code: number) => done(() => reject(new Error(`the recording thread exited with code ${code} before it was ready`)));
        worker.on('message', starting).on('error', failed).on('exit', exited);
      });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    worker.on('message', (message: FromRecordingThread) => {
      if (message.kind !== 'stored' && message.kind !== 'failed') return;
      const settle = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      settle?.(message);
    });
    // A thread that fails (out of memory, say) fails what it carried; the next store starts a new one.
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the recording thread exited with code ${code}`)));
    return worker;
  }

  private lost(worker: Worker, error: unknown): void {
    void this.thread?.then((current) => {
      if (current !== worker) return;
      this.thread = null;
      this.failAll(error);
    });
  }

  private failAll(error: unknown): void {
    for (const settle of this.waiting.values()) settle({ kind: 'failed', id: 0, error: { internal: { type: 'Error', message: error instanceof Error ? error.message : String(error) } }, statements: 0 });
    this.waiting.clear();
  }
}
