import type { Notification } from 'pg';
import { runOutsideScope } from '../core/request-scope';

type Work = { notification: Notification } | { task: () => Promise<void> };

/** Notification payload bytes one delivery round takes at most (about 1000 events at ~60 bytes each). */
const ROUND_PAYLOAD_BYTES = 64_000;

/**
 * Works off notifications and tasks (registrations, catch-ups) one at a time, in arrival order,
 * so that every subscriber sees events in commit order and merges take effect exactly between
 * the events committed before and after them. Notifications that arrive together are handed
 * over as one round, so a burst costs one query for its events.
 */
export class DeliveryQueue {
  private readonly work: Work[] = [];
  private working: Promise<void> | null = null;

  constructor(
    private readonly deliver: (round: Notification[]) => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  notify(notification: Notification): void {
    this.enqueue({ notification });
  }

  /** Queues a task; never rejects (errors go to `failed`). */
  later(task: () => Promise<void>): void {
    this.enqueue({ task });
  }

  /** Runs `task` in turn with the notifications; resolves or rejects with it. */
  run(task: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ task: () => task().then(resolve, reject) }));
  }

  /** Resolves when everything queued so far is done. */
  async idle(): Promise<void> {
    await this.working;
  }

  private enqueue(work: Work): void {
    this.work.push(work);
    if (!this.working) {
      // The queue serves the whole process: it must not run within (and count against) the
      // request whose subscription happened to start it.
      this.working = runOutsideScope(() => this.workOff()).finally(() => {
        this.working = null;
      });
    }
  }

  private async workOff(): Promise<void> {
    while (this.work.length > 0) {
      const first = this.work[0];
      try {
        if ('task' in first) {
          this.work.shift();
          await first.task();
          continue;
        }
        let take = 0;
        let bytes = 0;
        while (take < this.work.length && 'notification' in this.work[take] && (take === 0 || bytes < ROUND_PAYLOAD_BYTES)) {
          bytes += (this.work[take] as { notification: Notification }).notification.payload?.length ?? 0;
          take++;
        }
        const round = this.work.splice(0, take) as { notification: Notification }[];
        await this.deliver(round.map((w) => w.notification));
      } catch (error) {
        this.failed(error);
      }
    }
  }
}
