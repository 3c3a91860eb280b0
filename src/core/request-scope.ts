import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the database layer needs to know about the request it is working for, carried through
 * async calls without being passed by hand: how many statements it ran (for the request log and
 * the statement-budget tests), when its time is up, and how many pooled connections it may hold
 * at once, so that one request cannot take the whole pool. Work outside a request (start-up,
 * seeding, the change feed) runs without a scope and is bounded by the pool's own timeouts.
 */
export interface RequestScope {
  /** SQL statements run so far. */
  statements: number;
  /** Epoch milliseconds after which no statement starts and running ones are cut short. */
  deadline: number;
  /** Pooled connections this request may hold at once. */
  readonly maxConnections: number;
  /** Pooled connections it holds now. */
  connectionsHeld: number;
  /** Statements waiting for one of its connections to come free, first come first served. */
  readonly waiting: (() => void)[];
}

const storage = new AsyncLocalStorage<RequestScope>();

export function newRequestScope(options: { timeoutMs: number; maxConnections: number }): RequestScope {
  return { statements: 0, deadline: Date.now() + options.timeoutMs, maxConnections: options.maxConnections, connectionsHeld: 0, waiting: [] };
}

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the request this code is running for, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Runs `fn` outside any request's scope: for process-wide work a request happens to start. */
export function runOutsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}
