/** Subscribers of one kind, by the live customer they follow, plus those that follow everyone. */
export class SubscriberIndex<S extends { liveKey: string | null }> {
  readonly everyone = new Set<S>();
  readonly byCustomer = new Map<string, Set<S>>();

  get size(): number {
    let size = this.everyone.size;
    for (const set of this.byCustomer.values()) size += set.size;
    return size;
  }

  add(subscriber: S): void {
    if (subscriber.liveKey == null) return void this.everyone.add(subscriber);
    const set = this.byCustomer.get(subscriber.liveKey);
    if (set) set.add(subscriber);
    else this.byCustomer.set(subscriber.liveKey, new Set([subscriber]));
  }

  /** Whether it was there. */
  delete(subscriber: S): boolean {
    if (subscriber.liveKey == null) return this.everyone.delete(subscriber);
    const set = this.byCustomer.get(subscriber.liveKey);
    const deleted = set?.delete(subscriber) ?? false;
    if (set?.size === 0) this.byCustomer.delete(subscriber.liveKey);
    return deleted;
  }

  /** Subscribers of this customer, then those of everyone. */
  *matching(customerKey: string): Iterable<S> {
    const set = this.byCustomer.get(customerKey);
    if (set) yield* [...set];
    if (this.everyone.size) yield* [...this.everyone];
  }

  all(): S[] {
    return [...this.everyone, ...[...this.byCustomer.values()].flatMap((set) => [...set])];
  }
}
