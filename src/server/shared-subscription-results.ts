import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Viewer } from '../core/viewer';
import type { ItemReceiver } from '../realtime/live-queue';
import type { RequestContext } from './request-context';
import type { SerialisedAnswer } from './serialised-answers';

/**
 * What subscribers who asked the same shape of the same item are sent: executed once, formatted
 * once, and audited for each subscriber's own credential.
 */
export interface SharedItemResult {
  /** The execution's answer, as graphql-js gave it. */
  readonly result: ExecutionResult;
  /** Customers whose personal data the answer shows in clear, each with its root field. */
  readonly shown: readonly (readonly [customerKey: string, field: string])[];
  /** The answer as it goes out (errors under the error policy, the cost report); made on first send. */
  sent?: SerialisedAnswer;
}

/**
 * One execution of an item for a shape: its outcome once it has one, and meanwhile the
 * subscriptions waiting for it (one list, not a promise reaction per subscriber).
 */
interface Execution {
  settled: SharedItemResult | null;
  failure: { error: unknown } | null;
  waiting: SharedAnswers[];
}

/**
 * Where a subscription's answers go: its socket, as graphql-ws `next` frames. `send` answers
 * nothing when the next answer may follow at once, or a promise that settles once the socket has
 * taken enough of what it holds unsent (a slow reader holds its items back; see live-queue.ts).
 */
export interface AnswerSink {
  send(shared: SharedItemResult): Promise<void> | void;
}

/**
 * The shape of a subscription: everything its items' answers depend on besides the item itself.
 * The document, operation and variables say what is asked; the credential's scopes say what it
 * may see (a field outside them is an error, a personal value without PII_READ is masked).
 * Nothing else of the viewer reaches a subscription item's answer.
 */
export function subscriptionShape(viewer: Viewer, query: string, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string {
  return `${[...viewer.scopes].sort().join(' ')}\u0000${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`;
}

/**
 * Subscription items are executed once per shape. The hub hands every subscriber of an event the
 * same object, so 100 tools following every customer with the same document and scopes cost one
 * execution per event, not 100; an item read for one subscriber alone (a replay page) is simply
 * executed for it. Results are keyed by the item object and let go with it.
 */
export class SharedSubscriptionResults {
  private readonly byItem = new WeakMap<object, Map<string, Execution>>();
  /** Executions run and answers reused, since start (for tests and benchmarks). */
  readonly stats = { executed: 0, reused: 0 };

  /**
   * graphql-js's `subscribe`, except that each item's execution is shared with every other
   * subscription of the same shape that receives the same item.
   */
  async subscribe(args: ExecutionArgs, shape: string, sink: AnswerSink): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    return new SharedAnswers(stream[Symbol.asyncIterator](), this, shape, args, sink);
  }

  /**
   * Gives `answers` the item's answer for this shape: the execution already made for it (at once
   * once it has settled, so the 99 other subscribers of an event wait for nothing), or a new one.
   */
  answer(item: unknown, shape: string, args: ExecutionArgs, answers: SharedAnswers): void {
    let execution: Execution | undefined;
    if (typeof item !== 'object' || item === null) execution = this.execute(item, args);
    else {
      let shapes = this.byItem.get(item);
      if (!shapes) this.byItem.set(item, (shapes = new Map()));
      execution = shapes.get(shape);
      if (execution) this.stats.reused++;
      else {
        execution = this.execute(item, args);
        shapes.set(shape, execution);
      }
    }
    if (execution.settled) answers.send(execution.settled);
    else if (execution.failure) answers.fail(execution.failure.error);
    else execution.waiting.push(answers);
  }

  private execute(item: unknown, args: ExecutionArgs): Execution {
    this.stats.executed++;
    const context = args.contextValue as RequestContext;
    const execution: Execution = { settled: null, failure: null, waiting: [] };
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = execute({ ...args, rootValue: item });
    } catch (error) {
      execution.failure = { error };
      return execution;
    }
    if (!(result instanceof Promise)) {
      execution.settled = this.share(result, context);
      return execution;
    }
    const handOut = (give: (answers: SharedAnswers) => void) => {
      const waiting = execution.waiting;
      execution.waiting = [];
      for (const answers of waiting) give(answers);
    };
    result.then(
      (done) => {
        const settled = (execution.settled = this.share(done, context));
        handOut((answers) => answers.send(settled));
      },
      (error: unknown) => {
        execution.failure = { error };
        handOut((answers) => answers.fail(error));
      },
    );
    return execution;
  }

  private share(result: ExecutionResult, context: RequestContext): SharedItemResult {
    // The execution is over: its DataLoaders (and the rows they hold) go now, not when this
    // subscriber's next item comes, which for a follower of a quiet customer is minutes away.
    context.renewLoaders();
    // What this execution showed is audited for every subscriber it is sent to, not only for
    // the one whose context ran it.
    return { result, shown: context.audit.drain().shown };
  }
}

/**
 * One subscription's items, each answered with the shared result of its shape and written to the
 * sink as it comes. To graphql-ws this is an iterator that never yields: its one `next` settles
 * when the items end (graphql-ws then sends `complete`) or fail (it sends `error`), and `return`
 * (the client's `complete`, or the socket closing) stops it. graphql-ws's own loop awaits an
 * async step, a hook, a frame made by JSON.stringify and a promise of the write for every item and
 * subscriber: with one event going to thousands of subscribers, a sixth of the server's time.
 *
 * A class rather than an object of closures, since 10,000 subscribers hold one each, with the
 * callbacks every item takes made once; no async functions, so a subscriber waiting for its next
 * item holds no suspended frame of this layer, and while live no promise either (`nextTo`).
 */
class SharedAnswers implements AsyncIterableIterator<never> {
  private ending: Promise<IteratorResult<never>> | null = null;
  private ended: ((result: IteratorResult<never>) => void) | null = null;
  private failed: ((error: unknown) => void) | null = null;
  private stopped = false;
  /** The items' source as a receiver of its next item, where it can be one (a live queue). */
  private readonly receiver: ItemReceiver<unknown> = { resolve: (step) => this.answer(step), reject: (error) => this.fail(error) };

  constructor(
    private readonly source: AsyncIterator<unknown> & { nextTo?(receiver: ItemReceiver<unknown>): boolean },
    private readonly results: SharedSubscriptionResults,
    private readonly shape: string,
    private readonly args: ExecutionArgs,
    private readonly sink: AnswerSink,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<never>> {
    return (this.ending ??= new Promise<IteratorResult<never>>((resolve, reject) => {
      this.ended = resolve;
      this.failed = reject;
      this.pull();
    }));
  }

  async return(): Promise<IteratorResult<never>> {
    this.stopped = true;
    try {
      await this.source.return?.();
    } finally {
      this.settle(DONE);
    }
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<never>> {
    await this.return();
    throw error;
  }

  /** Writes one answer, then asks for the next item (once the socket has room, if it was full). */
  send(shared: SharedItemResult): void {
    if (this.stopped) return;
    let written: Promise<void> | void;
    try {
      written = this.sink.send(shared);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (written) written.then(this.pull, this.fail);
    else this.pull();
  }

  /** Closes the items' source, then fails the one pull: graphql-ws sends `error`. */
  readonly fail = (error: unknown): void => {
    if (this.stopped) return;
    this.stopped = true;
    const source = this.source;
    void Promise.resolve()
      .then(() => source.return?.())
      // Keep the error that made us close it.
      .catch(() => undefined)
      .then(() => this.settle(error, true));
  };

  /** A live item comes straight to `answer`; anything else (a replay page, a queued item) by a promise. */
  private readonly pull = (): void => {
    if (this.stopped || this.source.nextTo?.(this.receiver)) return;
    this.source.next().then(this.receiver.resolve, this.receiver.reject);
  };

  private answer(step: IteratorResult<unknown>): void {
    if (this.stopped) return;
    if (step.done) {
      this.stopped = true;
      this.settle(DONE);
      return;
    }
    try {
      this.results.answer(step.value, this.shape, this.args, this);
    } catch (error) {
      this.fail(error);
    }
  }

  private settle(outcome: unknown, failure = false): void {
    const [ended, failed] = [this.ended, this.failed];
    this.ended = this.failed = null;
    if (failure) failed?.(outcome);
    else ended?.(outcome as IteratorResult<never>);
  }
}

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined });
