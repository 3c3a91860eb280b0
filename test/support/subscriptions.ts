import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client, type ClientOptions } from 'graphql-ws';

type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;
import WebSocket from 'ws';
import { bearerFor } from './credentials';
import type { TestServer } from './test-server';

/** ws://host:port/graphql for http://host:port/graphql. */
export function wsUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/**
 * A graphql-ws client of the real server with the server's ADMIN key (or the options' own
 * connectionParams); no automatic retries, so a close is seen as it is.
 */
export function openClient(httpUrl: string, options: Partial<ClientOptions> = {}): Client {
  return createClient({ url: wsUrlOf(httpUrl), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: bearerFor(httpUrl) }, ...options });
}

/** The connection_init message with the server's ADMIN key, for raw sockets. */
export function connectionInit(httpUrl: string): string {
  return JSON.stringify({ type: 'connection_init', payload: { authorization: bearerFor(httpUrl) } });
}

export interface Subscription {
  /** `next` payloads so far. */
  results: ExecutionResult<any>[];
  /** What `sink.error` got: the GraphQL errors of an `error` message, or a close event. */
  error: any;
  completed: boolean;
  ended: boolean;
  /** Resolves once `count` results arrived; rejects when the subscription ends first or on timeout. */
  waitFor(count: number, timeoutMs?: number): Promise<ExecutionResult<any>[]>;
  /** Resolves when the subscription ends (complete or error). */
  waitForEnd(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function subscribe(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  onNext?: (result: ExecutionResult<any>) => void,
): Subscription {
  const wakers = new Set<() => void>();
  const wake = () => wakers.forEach((waker) => waker());
  const subscription: Subscription = {
    results: [],
    error: null,
    completed: false,
    ended: false,
    waitFor: (count, timeoutMs = 15_000) =>
      until(
        () => {
          if (subscription.results.length >= count) return true;
          if (subscription.ended) throw new Error(`subscription ended after ${subscription.results.length} of ${count} results: ${describe(subscription.error)}`);
          return false;
        },
        timeoutMs,
        () => `${subscription.results.length} of ${count} results arrived`,
      ).then(() => subscription.results),
    waitForEnd: (timeoutMs = 15_000) => until(() => subscription.ended, timeoutMs, () => `subscription still open after ${subscription.results.length} results`),
    stop: () => dispose(),
  };
  function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const look = () => {
        try {
          if (!check()) return;
        } catch (error) {
          done();
          return reject(error);
        }
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out: ${what()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        wakers.delete(look);
      };
      wakers.add(look);
      look();
    });
  }
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        subscription.results.push(result);
        onNext?.(result);
        wake();
      },
      error: (error) => {
        subscription.error = error;
        subscription.ended = true;
        wake();
      },
      complete: () => {
        subscription.completed = true;
        subscription.ended = true;
        wake();
      },
    },
  );
  return subscription;
}

function describe(error: unknown): string {
  if (error == null) return 'completed';
  if (Array.isArray(error)) return JSON.stringify(error);
  if (typeof error === 'object' && 'code' in error) return `closed ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ''}`;
  return String(error);
}

/** Waits until the in-process server serves at least `count` subscriptions, so nothing committed afterwards is missed. */
export async function untilSubscribed(server: TestServer, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.realtime.subscriberCount < count) {
    if (Date.now() > deadline) throw new Error(`only ${server.realtime.subscriberCount} of ${count} subscriptions registered`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A raw socket speaking graphql-transport-ws by hand, for what the graphql-ws client would not send. */
export function openRawSocket(httpUrl: string): Promise<{ socket: WebSocket; messages: any[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrlOf(httpUrl), 'graphql-transport-ws');
    const messages: any[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.once('close', (code, reason) => done({ code, reason: String(reason) })));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
