import type { Viewer } from '../core/viewer';

interface Bucket {
  points: number;
  /** When `points` was last brought up to date (epoch ms). */
  at: number;
}

export interface BudgetState {
  capacity: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/** Buckets of credentials not seen for this long are forgotten (they would be full again by now). */
const IDLE_MS = 10 * 60_000;

/**
 * Each credential spends the cost of its queries from a bucket of points that refills at a
 * steady rate (a token bucket), in this server process. An operation reserves its requested cost
 * before it runs and gets back what it did not use (requested less actual) when it is done.
 */
export class QueryBudgets {
  private readonly buckets = new Map<string, Bucket>();

  /** Reserves `cost` points; when there are not enough, says how long until there are. */
  take(viewer: Viewer, cost: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.current(viewer);
    if (bucket.points >= cost) {
      bucket.points -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.points) / viewer.budget.refillPerSecond)) };
  }

  give(viewer: Viewer, points: number): void {
    if (points <= 0) return;
    const bucket = this.current(viewer);
    bucket.points = Math.min(viewer.budget.capacity, bucket.points + points);
  }

  state(viewer: Viewer): BudgetState {
    const bucket = this.current(viewer);
    const remaining = Math.floor(bucket.points);
    return { capacity: viewer.budget.capacity, remaining, resetSeconds: Math.ceil((viewer.budget.capacity - bucket.points) / viewer.budget.refillPerSecond) };
  }

  private current(viewer: Viewer): Bucket {
    const now = Date.now();
    let bucket = this.buckets.get(viewer.id);
    if (!bucket) {
      if (this.buckets.size > 10_000) this.forgetIdle(now);
      bucket = { points: viewer.budget.capacity, at: now };
      this.buckets.set(viewer.id, bucket);
    }
    bucket.points = Math.min(viewer.budget.capacity, bucket.points + ((now - bucket.at) / 1000) * viewer.budget.refillPerSecond);
    bucket.at = now;
    return bucket;
  }

  private forgetIdle(now: number): void {
    for (const [id, bucket] of this.buckets) if (now - bucket.at > IDLE_MS) this.buckets.delete(id);
  }
}
