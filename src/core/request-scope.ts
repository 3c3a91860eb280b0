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

/**
 * Scopes whose work has not settled yet. On Node 20, an enabled AsyncLocalStorage runs a hook on
 * every promise the process makes, wherever it is made (awaiting one took 250 ns instead of 110
 * on this project's VM), and each subscription frame takes several promises in graphql-ws, far
 * from any request. So the storage is enabled only while some scope is open, and switched off
 * when the last one settles. A scope's work keeps its scope: what it awaits settles before it
 * does. Work a scope starts without awaiting it (a timer set during a request) runs without the
 * scope's deadline and connection bound once no scope is open, as work outside requests does.
 */
let open = 0;

export function newRequestScope(options: { timeoutMs: number; maxConnections: number }): RequestScope {
  return { statements: 0, deadline: Date.now() + options.timeoutMs, maxConnections: options.maxConnections, connectionsHeld: 0, waiting: [] };
}

export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  open++;
  let result: T;
  try {
    result = storage.run(scope, fn);
  } catch (error) {
    closeScope();
    throw error;
  }
  // Any thenable: a promise of another realm (a test's VM context) is not `instanceof Promise` here.
  if (isThenable(result)) result.then(closeScope, closeScope);
  else closeScope();
  return result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function closeScope(): void {
  if (--open === 0) storage.disable();
}

/** Scopes open now: their work has not settled. */
export function openScopes(): number {
  return open;
}

/** The scope of the request this code is running for, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

/** Runs `fn` outside any request's scope: for process-wide work a request happens to start. */
export function runOutsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}
