import { timedOut } from '../core/errors';
import type { RequestScope } from '../core/request-scope';

/**
 * Waits until the request may hold one more pooled connection (at most `maxConnections` at once),
 * or fails with TIMEOUT when its deadline comes first. Without a scope there is no bound here;
 * the pool's own acquire timeout still applies.
 */
export async function takeConnectionSlot(scope: RequestScope | undefined): Promise<void> {
  if (!scope) return;
  if (Date.now() >= scope.deadline) throw timedOut();
  if (scope.connectionsHeld < scope.maxConnections) {
    scope.connectionsHeld++;
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const take = () => {
      clearTimeout(timer);
      scope.connectionsHeld++;
      resolve();
    };
    const timer = Number.isFinite(scope.deadline)
      ? setTimeout(() => {
          const index = scope.waiting.indexOf(take);
          if (index >= 0) scope.waiting.splice(index, 1);
          reject(timedOut());
        }, scope.deadline - Date.now())
      : undefined;
    scope.waiting.push(take);
  });
}

export function giveBackConnectionSlot(scope: RequestScope | undefined): void {
  if (!scope) return;
  scope.connectionsHeld--;
  scope.waiting.shift()?.();
}
