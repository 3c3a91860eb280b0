import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroupCommit } from '../src/core/group-commit';
import { currentScope, newRequestScope, openScopes, runInScope, runOutsideScope, type RequestScope } from '../src/core/request-scope';

const scope = () => newRequestScope({ timeoutMs: 1000, maxConnections: 1 });
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request scopes', () => {
  test('concurrent scopes each see their own scope across awaits and timers', async () => {
    const first = scope();
    const second = scope();
    const seen: [string, RequestScope | undefined][] = [];
    const work = (name: string, ms: number) => async () => {
      seen.push([`${name} start`, currentScope()]);
      await later(ms);
      seen.push([`${name} after timer`, currentScope()]);
      await Promise.resolve();
      seen.push([`${name} after await`, currentScope()]);
    };
    await Promise.all([runInScope(first, work('first', 20)), runInScope(second, work('second', 5))]);
    expect(seen.map(([name, seenScope]) => [name, seenScope === first ? 'first' : seenScope === second ? 'second' : 'none'])).toEqual([
      ['first start', 'first'],
      ['second start', 'second'],
      ['second after timer', 'second'],
      ['second after await', 'second'],
      ['first after timer', 'first'],
      ['first after await', 'first'],
    ]);
    expect(openScopes()).toBe(0);
    expect(currentScope()).toBeUndefined();
  });

  test('a scope closes however its work ends: resolved, rejected or thrown', async () => {
    await expect(runInScope(scope(), async () => {
      await later(1);
      throw new Error('rejected');
    })).rejects.toThrow('rejected');
    expect(() =>
      runInScope(scope(), () => {
        throw new Error('thrown');
      }),
    ).toThrow('thrown');
    expect(runInScope(scope(), () => 'returned')).toBe('returned');
    expect(openScopes()).toBe(0);
  });

  test('a scope stays open until a promise of another realm settles', async () => {
    // Node's own promises (timers/promises here) are not of the realm Jest runs this file in.
    const pending = runInScope(scope(), () => sleep(5));
    expect(pending instanceof Promise).toBe(false);
    expect(openScopes()).toBe(1);
    await pending;
    await later(0);
    expect(openScopes()).toBe(0);
  });

  test('work outside a scope, and a nested scope, see what they should', async () => {
    const outer = scope();
    const inner = scope();
    await runInScope(outer, async () => {
      await runOutsideScope(async () => {
        expect(currentScope()).toBeUndefined();
        await runInScope(inner, async () => {
          await later(1);
          expect(currentScope()).toBe(inner);
        });
      });
      await later(1);
      expect(currentScope()).toBe(outer);
      expect(openScopes()).toBe(1);
    });
    expect(openScopes()).toBe(0);
  });

  test("a group commit's write runs for a scope of its own, handed to it, without opening one", async () => {
    const seen: { ambient: RequestScope | undefined; open: number; given: RequestScope; items: number[] }[] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const writes = new GroupCommit<number, number>(
      async (items, given) => {
        seen.push({ ambient: currentScope(), open: openScopes(), given, items });
        given.statements += 2;
        if (seen.length === 1) await firstWrite;
        await later(1);
        return items.map((item) => item * 10);
      },
      { maxItems: 10, maxInFlight: 1, timeoutMs: 4000 },
    );
    const startedAt = Date.now();
    // Audit entries of subscription deliveries come from no request at all.
    const first = writes.submit(1);
    const request = scope();
    const inRequest = runInScope(request, async () => {
      const [second, third] = await Promise.all([writes.submit(2), writes.submit(3)]);
      return { second, third };
    });
    await later(1);
    release();
    expect(await first).toEqual({ result: 10, statements: 2 });
    expect((await inRequest).second).toEqual({ result: 20, statements: 2 });
    expect((await inRequest).third).toEqual({ result: 30, statements: 2 });
    expect(seen.map(({ items }) => items)).toEqual([[1], [2, 3]]);
    for (const write of seen) {
      // Not the request's scope, nor any: the write's own, given by hand.
      expect(write.ambient).toBeUndefined();
      expect(write.given).not.toBe(request);
      expect(write.given.deadline).toBeGreaterThanOrEqual(startedAt + 4000);
      expect(write.given.maxConnections).toBe(1);
    }
    // The first write ran while no request was open: nothing switched the hooks on for it.
    expect(seen[0].open).toBe(0);
    expect(openScopes()).toBe(0);
  });

  test('promises made while no scope is open pay no hook (in a plain Node process, as the server runs)', () => {
    // Jest keeps async hooks on for its own purposes, so this is measured in a process of its own.
    const script = `
      const { newRequestScope, runInScope, openScopes } = require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'src', 'core', 'request-scope.js'))});
      const marks = (promise) => Object.getOwnPropertySymbols(promise).length;
      const later = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      (async () => {
        const before = marks(Promise.resolve());
        let inside = 0;
        await runInScope(newRequestScope({ timeoutMs: 1000, maxConnections: 1 }), async () => {
          inside = marks(Promise.resolve());
          await later(1);
        });
        // Node switches hooks off once the callback that asked for it has returned.
        await later(1);
        console.log(JSON.stringify({ before, inside, open: openScopes(), after: marks(Promise.resolve()), afterAsync: marks((async () => undefined)()) }));
      })();`;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    // Node 20 and 22 carry the scope by hooks that mark every promise while the storage is
    // enabled (Node 24 carries it without them, and then there is nothing to switch off).
    if (Number(process.versions.node.split('.')[0]) < 24) expect(seen.inside).toBeGreaterThan(0);
    expect(seen).toMatchObject({ before: 0, open: 0, after: 0, afterAsync: 0 });
  });
});
