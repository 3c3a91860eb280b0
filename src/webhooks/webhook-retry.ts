/**
 * When a failed delivery is tried again: after about base × 2^(attempt−1), at most max, with
 * ±20 % jitter so that receivers coming back are not hit by every retry at the same moment.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
