import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { CaseAssignment } from '../src/cases/case-assignment';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';
import { SuppressionList } from '../src/customers/suppression-list';
import { createDataSource } from '../src/db/data-source';
import { Database } from '../src/db/database';
import { EventRecorder } from '../src/ingest/event-recorder.service';
import { EventStorage } from '../src/ingest/event-storage';
import type { EventInput } from '../src/ingest/record-event.types';
import { cpuSecondsOf, sum } from './process-stats';

/**
 * The subscription benchmark's writer, in a thread of its own: events recorded by the real
 * EventRecorder (what recordEvents runs: one transaction, stream positions, NOTIFY) at a fixed
 * rate, and the moment each COMMIT returned, on process.hrtime's clock, which the subscriber
 * threads share. On its own thread, that moment is not delayed by the main thread's counting.
 */
export interface WriterInput {
  databaseUrl: string;
  customerIds: string[];
  /** Events per second, for `seconds`; `batch` events per transaction (0 seconds: one warm-up event per customer, then stop). */
  rate: number;
  seconds: number;
  batch: number;
  maxInFlight: number;
}

export type WriterMessage =
  | {
      type: 'recorded';
      eventIds: string[];
      /** Index into customerIds of each event's customer. */
      customers: Int32Array;
      committedMs: Float64Array;
      failures: number;
      seconds: number;
      maxInFlight: number;
      /** CPU its PostgreSQL backends used, read before they closed. */
      backendCpuSeconds: number;
    }
  | { type: 'failed'; reason: string };

const TICKS_PER_SECOND = 100;
const input = workerData as WriterInput;
const port = parentPort!;

/** A call from the bench's own source, `n` numbering it (and its idempotency key) within the run. */
function benchCall(customerId: string, n: number): EventInput {
  return {
    call: {
      customerId,
      occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 1000),
      direction: 'INBOUND',
      outcome: 'ANSWERED',
      durationSeconds: 60 + (n % 600),
      fromNumber: '+14155550100',
      source: 'bench',
      externalId: `bench-${n}`,
    },
  } as EventInput;
}

async function write(): Promise<WriterMessage> {
  const db = createDataSource({ url: input.databaseUrl, poolSize: 20, applicationName: 'bench-writer' });
  await db.initialize();
  try {
    const config = loadConfig({ DATABASE_URL: input.databaseUrl, LOG_LEVEL: 'silent' });
    const database = Database.configured(db, config, createLogger('silent'));
    const recorder = new EventRecorder(new EventStorage(database, new SuppressionList(undefined), new CaseAssignment(config.CASE_REOPEN_WINDOW)), config.DEFAULT_PHONE_REGION, {
      operationTimeoutMs: config.OPERATION_TIMEOUT_MS,
    });
    const eventIds: string[] = [];
    const customers: number[] = [];
    const committedMs: number[] = [];
    // Each run numbers its calls after the ones already stored, so none is an idempotent replay.
    let sequence = Number((await db.query(`SELECT count(*) AS n FROM timeline_event WHERE source = 'bench'`))[0].n);
    let inFlight = 0;
    let maxInFlight = 0;
    let failures = 0;
    const record = async (first: number, count: number) => {
      const batch = Array.from({ length: count }, (_, i) => (first + i) % input.customerIds.length);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const results = await recorder.recordEvents(batch.map((customer) => benchCall(input.customerIds[customer], sequence++)));
        const at = Number(process.hrtime.bigint()) / 1e6;
        results.forEach((result, i) => {
          if (!result.event) throw new Error(JSON.stringify(result.userErrors));
          eventIds.push(result.event.id);
          customers.push(batch[i]);
          committedMs.push(at);
        });
      } catch (error) {
        failures++;
        if (failures <= 3) console.error('recording failed:', error);
      } finally {
        inFlight--;
      }
    };

    const started = performance.now();
    const writes: Promise<void>[] = [];
    if (input.seconds === 0) {
      for (let first = 0; first < input.customerIds.length; first += 1000) await record(first, Math.min(1000, input.customerIds.length - first));
    } else {
      const total = input.rate * input.seconds;
      let issued = 0;
      while (issued < total) {
        // Catch up to the schedule: event k is due at k / rate seconds after the start.
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * input.rate) + 1);
        while (issued < due && inFlight < input.maxInFlight) {
          const count = Math.min(input.batch, total - issued);
          writes.push(record(issued, count));
          issued += count;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000 / TICKS_PER_SECOND));
      }
    }
    await Promise.all(writes);
    const backends: { pid: number }[] = await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bench-writer'`);
    return {
      type: 'recorded',
      eventIds,
      customers: Int32Array.from(customers),
      committedMs: Float64Array.from(committedMs),
      failures,
      seconds: (performance.now() - started) / 1000,
      maxInFlight,
      backendCpuSeconds: sum(backends.map(({ pid }) => cpuSecondsOf(pid))),
    };
  } finally {
    await db.destroy();
  }
}

write().then(
  (message) => port.postMessage(message),
  (error) => port.postMessage({ type: 'failed', reason: String(error?.stack ?? error) } satisfies WriterMessage),
);
