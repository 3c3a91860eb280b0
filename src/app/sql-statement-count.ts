import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the SQL statements each GraphQL request runs, so that tests can hold the agent card
 * to its budget and the request log can show it. The count follows the request through
 * async calls; statements outside a request (start-up, seeding) are not counted.
 */
export interface StatementTally {
  statements: number;
}

const storage = new AsyncLocalStorage<StatementTally>();

export function runCountingStatements<T>(tally: StatementTally, fn: () => T): T {
  return storage.run(tally, fn);
}

export function countStatement(): void {
  const tally = storage.getStore();
  if (tally) tally.statements += 1;
}
