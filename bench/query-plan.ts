import type { Client } from 'pg';
import { TimelineService } from '../src/timeline/timeline.service';
import { PAGE_SIZE } from './timeline-pages';

export const TIMELINE_INDEX = 'timeline_event_customer_order';

interface Statement {
  text: string;
  values: unknown[];
}

/**
 * The statement the server runs for one customer's page. The service builds it privately, so a
 * stand-in data source records it instead of running it; the plan then belongs to the real SQL.
 */
export async function serverTimelineStatement(customerKey: string, after: string | null): Promise<Statement> {
  const recorded: Statement[] = [];
  const recorder = {
    async query(text: string, values: unknown[]) {
      recorded.push({ text, values });
      return [];
    },
  };
  await new TimelineService(recorder).pages([{ customerKey, page: { direction: 'forward', size: PAGE_SIZE, cursor: after }, filter: null }]);
  if (recorded.length !== 1) throw new Error(`expected the timeline service to run one statement, it ran ${recorded.length}`);
  return recorded[0];
}

/** The lines of `EXPLAIN (ANALYZE, BUFFERS)` for a statement. */
export async function explainAnalyze(client: Client, statement: Statement): Promise<string[]> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, values: statement.values });
  return rows.map((row) => row['QUERY PLAN']);
}

export function usesTimelineIndex(plan: readonly string[]): boolean {
  const indexScan = new RegExp(`Index Scan (Backward )?using ${TIMELINE_INDEX}\\b`);
  return plan.some((line) => indexScan.test(line));
}
