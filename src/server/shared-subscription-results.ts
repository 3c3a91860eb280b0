import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Viewer } from '../core/viewer';
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

/** One execution of an item for a shape: its promise, and its outcome once it has one. */
interface Execution {
  readonly promise: Promise<SharedItemResult>;
  settled: SharedItemResult | null;
}

/**
 * What a subscription's iterator yields to graphql-ws for one item: a handle on the shared
 * result, which `onNext` takes (`SharedSubscriptionResults.take`) and so lets go of.
 *
 * graphql-ws keeps the last value its loop received while it waits for the next one, which for a
 * follower of a quiet customer is minutes. Given the answer itself, each such subscriber kept
 * about 1.5 KB alive between its events (the answer and its JSON bytes); given this handle,
 * emptied as it is sent, it keeps a few dozen bytes.
 */
export class SubscriptionDelivery implements ExecutionResult {
  /** graphql-ws copies a result's fields before `onNext`; the answer itself goes out as `onNext` returns it. */
  readonly data = null;

  constructor(public shared: SharedItemResult | null) {}
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
  async subscribe(args: ExecutionArgs, shape: string): Promise<AsyncIterableIterator<SubscriptionDelivery> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    return new SharedAnswers(stream[Symbol.asyncIterator](), this, shape, args);
  }

  /** The shared result a delivery of this class carries, taken out of it; undefined for anything else or a second time. */
  take(delivery: unknown): SharedItemResult | undefined {
    if (!(delivery instanceof SubscriptionDelivery) || !delivery.shared) return undefined;
    const shared = delivery.shared;
    delivery.shared = null;
    return shared;
  }

  /**
   * The item's answer for this shape: the execution already made for it (the result itself once
   * it has settled, so the 99 other subscribers of an event wait for no promise), or a new one.
   */
  answer(item: unknown, shape: string, args: ExecutionArgs): SharedItemResult | Promise<SharedItemResult> {
    if (typeof item !== 'object' || item === null) return this.execute(item, args).promise;
    let shapes = this.byItem.get(item);
    if (!shapes) this.byItem.set(item, (shapes = new Map()));
    let execution = shapes.get(shape);
    if (execution) this.stats.reused++;
    else {
      execution = this.execute(item, args);
      shapes.set(shape, execution);
    }
    return execution.settled ?? execution.promise;
  }

  private execute(item: unknown, args: ExecutionArgs): Execution {
    this.stats.executed++;
    const context = args.contextValue as RequestContext;
    let result: ExecutionResult | Promise<ExecutionResult>;
    try {
      result = execute({ ...args, rootValue: item });
    } catch (error) {
      return { settled: null, promise: Promise.reject(error) };
    }
    if (result instanceof Promise) {
      const execution: Execution = { settled: null, promise: result.then((done) => (execution.settled = this.share(done, context))) };
      return execution;
    }
    const settled = this.share(result, context);
    return { settled, promise: Promise.resolve(settled) };
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
 * One subscription's items as graphql-ws iterates them: each item's shared answer, wrapped in a
 * SubscriptionDelivery. A class rather than an object of closures, since 10,000 subscribers hold
 * one each; and plain promise chains rather than async functions, so a subscriber waiting for its
 * next item holds no suspended frame of this layer.
 */
class SharedAnswers implements AsyncIterableIterator<SubscriptionDelivery> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly results: SharedSubscriptionResults,
    private readonly shape: string,
    private readonly args: ExecutionArgs,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<SubscriptionDelivery>> {
    return this.source.next().then(this.answerStep);
  }

  async return(): Promise<IteratorResult<SubscriptionDelivery>> {
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<SubscriptionDelivery>> {
    await this.close();
    throw error;
  }

  private readonly answerStep = (step: IteratorResult<unknown>): IteratorResult<SubscriptionDelivery> | Promise<IteratorResult<SubscriptionDelivery>> => {
    if (step.done) return { done: true, value: undefined };
    try {
      const shared = this.results.answer(step.value, this.shape, this.args);
      return shared instanceof Promise ? shared.then(delivered, (error: unknown) => this.failed(error)) : delivered(shared);
    } catch (error) {
      return this.failed(error);
    }
  };

  private async failed(error: unknown): Promise<never> {
    await this.close();
    throw error;
  }

  private async close(): Promise<void> {
    try {
      await this.source.return?.();
    } catch {
      // Keep the error that made us close it.
    }
  }
}

function delivered(shared: SharedItemResult): IteratorResult<SubscriptionDelivery> {
  return { done: false, value: new SubscriptionDelivery(shared) };
}
