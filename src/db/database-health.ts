import type { Logger } from '../core/logger';

/**
 * Whether the database answered last time anyone asked. An outage is logged once when it starts
 * and once when it ends, instead of a stack trace for every request that meets it.
 */
export class DatabaseHealth {
  private reachable = true;
  private since = Date.now();

  constructor(private readonly log: Logger) {}

  get isReachable(): boolean {
    return this.reachable;
  }

  failed(): void {
    if (!this.reachable) return;
    this.reachable = false;
    this.since = Date.now();
    this.log.warn('database unreachable: requests answer SERVICE_UNAVAILABLE until it is back');
  }

  succeeded(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.log.info({ unreachableForMs: Date.now() - this.since }, 'database reachable again');
  }
}
