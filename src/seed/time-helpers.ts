
/* Time units and small helpers the demo data is written with. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Rounds to whole seconds, so every timestamp is a whole number of milliseconds (and seconds). */
export function seconds(ms: number): number {
  return Math.round(ms / SECOND) * SECOND;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function fill(template: string, context: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => context[key] ?? match);
}

