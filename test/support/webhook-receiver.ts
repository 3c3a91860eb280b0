import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

/** What the receiver answers a POST: a status, `hang` (no answer until the test ends), or a status after a delay. */
export type Answer = number | 'hang' | { status: number; afterMs: number };

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests: it keeps every POST, answers what
 * `answer` says (200 by default), and counts POSTs of one delivery in flight at once.
 */
export interface WebhookReceiver {
  url: string;
  posts: ReceivedPost[];
  answer: (post: ReceivedPost) => Answer;
  /** Largest number of POSTs with the same X-Timeline-Delivery that were in flight together. */
  maxConcurrentPerDelivery: number;
  waitFor(predicate: (posts: ReceivedPost[]) => boolean, timeoutMs?: number): Promise<ReceivedPost[]>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hanging: http.ServerResponse[] = [];
  const inFlight = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const post: ReceivedPost = { headers: req.headers, body, json: safeJson(body), at: Date.now() };
      receiver.posts.push(post);
      const id = String(req.headers['x-timeline-delivery']);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      receiver.maxConcurrentPerDelivery = Math.max(receiver.maxConcurrentPerDelivery, inFlight.get(id)!);
      const done = () => inFlight.set(id, inFlight.get(id)! - 1);
      res.on('close', done);
      waiters.splice(0).forEach((wake) => wake());
      const answer = receiver.answer(post);
      if (answer === 'hang') return void hanging.push(res);
      const reply = (status: number) => {
        res.statusCode = status;
        res.end('ok');
      };
      if (typeof answer === 'number') reply(answer);
      else setTimeout(() => reply(answer.status), answer.afterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    posts: [],
    answer: () => 200,
    maxConcurrentPerDelivery: 0,
    waitFor(predicate, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the receiver did not get what was expected; it got ${receiver.posts.length} POSTs: ${receiver.posts.map((p) => p.body).join('\n').slice(-3000)}`)), timeoutMs);
        const look = () => {
          if (predicate(receiver.posts)) {
            clearTimeout(timer);
            resolve(receiver.posts);
          } else waiters.push(look);
        };
        look();
      });
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return receiver;
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The receiver's check exactly as README.md shows it (the block after `<!-- webhook-signature-check -->`),
 * so the README's ten lines are what the tests verify deliveries with.
 */
export function readmeSignatureCheck(): (header: string, body: string, secret: string) => boolean {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const code = /<!-- webhook-signature-check -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README.md has no webhook signature check');
  return new Function('require', `${code}\nreturn verifySignature;`)(require) as (header: string, body: string, secret: string) => boolean;
}
