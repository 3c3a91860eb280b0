import { newRequestScope, runOutsideScope, type RequestScope } from './request-scope';

export interface GroupCommitOptions<Item> {
  /** Items one write carries at most, counted by `sizeOf` (an item that is larger still goes, alone). */
  maxItems: number;
  /** How many items one counts for (a batch of events: its events); 1 each when not given. */
  sizeOf?: (item: Item) => number;
  /** Writes on their way at once; items that come meanwhile wait for the next. */
  maxInFlight: number;
  /** Each write runs for a scope of its own with this deadline, whoever's request started it. */
  timeoutMs: number;
}

/** An item's result, and the SQL statements of the write that carried it (for its request's count). */
export interface Written<Result> {
  result: Result;
  statements: number;
}

interface Queued<Item, Result> {
  item: Item;
  written: (written: Written<Result>) => void;
  failed: (error: unknown) => void;
}

/**
 * Items from concurrent requests written together (a group commit): an item that comes while
 * `maxInFlight` writes are on their way waits, and goes with the others that came meanwhile in
 * the next write; a lone item waits for nothing. Each item's promise settles with its own result
 * once its write is done; when a write fails, every item it carried fails with its error.
 * `write` answers one result per item, in order.
 *
 * A write runs for a scope of its own, handed to `write` rather than carried by the async
 * context: it runs outside every request's, so that writes always on their way (audit entries of
 * subscription deliveries) do not keep Node's promise hooks switched on (request-scope.ts). A
 * write that needs the scope carried (its statements are made deep in other services) opens it
 * with `runInScope` itself.
 */
export class GroupCommit<Item, Result> {
  private readonly queue: Queued<Item, Result>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: Item[], scope: RequestScope) => Promise<Result[]>,
    private readonly options: GroupCommitOptions<Item>,
  ) {}

  /** Items waiting for a write (not yet on their way). */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: Item): Promise<Written<Result>> {
    return new Promise((written, failed) => {
      this.queue.push({ item, written, failed });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.takeable());
      this.inFlight++;
      const scope = newRequestScope({ timeoutMs: this.options.timeoutMs, maxConnections: 1 });
      void runOutsideScope(() => this.write(group.map((entry) => entry.item), scope))
        .then(
          (results) => group.forEach((entry, i) => entry.written({ result: results[i], statements: scope.statements })),
          (error: unknown) => group.forEach((entry) => entry.failed(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** How many queued items the next write takes: at least one, then as many as fit maxItems. */
  private takeable(): number {
    const { sizeOf, maxItems } = this.options;
    if (!sizeOf) return maxItems;
    let size = sizeOf(this.queue[0].item);
    let take = 1;
    while (take < this.queue.length && size + sizeOf(this.queue[take].item) <= maxItems) size += sizeOf(this.queue[take++].item);
    return take;
  }
}
