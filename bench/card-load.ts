import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One request of a load: resolves when its whole answer is in, and throws when the answer is wrong. */
export type Send = () => Promise<void>;

/** `connections` clients sending back to back for `ms`: each request's milliseconds. */
export async function closedLoop(send: Send, connections: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        await send();
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return latencies;
}

/**
 * A GraphQL client over keep-alive connections with node's http client, lighter than fetch: in
 * recordCall's load, fetch cost the load generator 0.36-0.54 ms of CPU per call against 0.09-0.11 ms
 * for this, CPU taken from the server and PostgreSQL on the same cores. At most `connections`
 * sockets per server; answers the status and the body's text.
 */
export function graphqlRequester(key: string, connections: number): (url: string, query: string, variables?: Record<string, unknown>) => Promise<{ status: number; text: string }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  return (url, query, variables) => {
    const target = new URL(url);
    const body = JSON.stringify(variables ? { query, variables } : { query });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(body) };
    const send = (): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          response.on('error', reject);
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive socket the server closed as idle just as it was taken again: Node's 5 s in
          // builds before HTTP_KEEP_ALIVE_TIMEOUT_MS (the baselines), about a contender's turn. Sent
          // again on a new socket: cards are queries, and recorded calls carry external ids.
          if (request.reusedSocket && error.code === 'ECONNRESET') send().then(resolve, reject);
          else reject(error);
        });
        request.end(body);
      });
    return send();
  };
}

/**
 * POSTs one GraphQL document with `graphqlRequester`, checking that it answered without errors.
 * `first` answers one parsed answer, to check what the load is asking for.
 */
export function graphqlPoster(url: string, key: string, query: string, connections: number): { send: Send; first: () => Promise<unknown> } {
  const request = graphqlRequester(key, connections);
  const post = async () => {
    const { status, text } = await request(url, query);
    if (status !== 200 || text.includes('"errors"')) throw new Error(`the request failed (${status}): ${text.slice(0, 300)}`);
    return text;
  };
  return {
    send: async () => {
      await post();
    },
    first: async () => JSON.parse(await post()),
  };
}

/**
 * CPU seconds (user + system) used so far by the processes `match` picks, read from /proc: what
 * a request costs the server and the database besides its latency. Null where there is no /proc.
 */
export function cpuSeconds(match: (commandLine: string, pid: string) => boolean): number | null {
  if (!fs.existsSync('/proc/self/stat')) return null;
  const ticksPerSecond = 100;
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (!match(commandLine, pid)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      // The process ended while it was being read.
    }
  }
  return total;
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat; null where there is none. */
export function machineBusySeconds(): number | null {
  if (!fs.existsSync('/proc/stat')) return null;
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}
