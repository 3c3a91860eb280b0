import { performance } from 'node:perf_hooks';

/** One line of a benchmark's verdict: what was measured, its goal, and the figure. */
export type Finding = readonly [figure: string, goal: string, measured: string];

export interface Summary {
  median: number;
  p99: number;
  mean: number;
}

/**
 * Times each operation `iterations` times, one call at a time, after `warmup` untimed rounds.
 * Rounds take every operation in turn, so load from elsewhere on the machine falls on all of them
 * alike rather than on whichever happened to run at the time. Answers milliseconds per call, by name.
 */
export async function timeInterleaved(operations: ReadonlyMap<string, () => Promise<unknown>>, iterations: number, warmup: number): Promise<Map<string, number[]>> {
  for (let round = 0; round < warmup; round++) {
    for (const operation of operations.values()) await operation();
  }
  const samples = new Map([...operations.keys()].map((name) => [name, [] as number[]]));
  for (let round = 0; round < iterations; round++) {
    for (const [name, operation] of operations) {
      const started = performance.now();
      await operation();
      samples.get(name)!.push(performance.now() - started);
    }
  }
  return samples;
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((sum, sample) => sum + sample, 0) / sorted.length,
  };
}

/** Nearest-rank percentile of ascending samples, except the median, which averages the middle pair. */
function percentile(sorted: readonly number[], fraction: number): number {
  if (fraction === 0.5 && sorted.length % 2 === 0) {
    const middle = sorted.length / 2;
    return (sorted[middle - 1] + sorted[middle]) / 2;
  }
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1];
}

/** A plain-text table: the first column (and any listed in `leftAligned`) left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], leftAligned: readonly number[] = []): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === 0 || leftAligned.includes(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function milliseconds(value: number): string {
  return value.toFixed(2);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
