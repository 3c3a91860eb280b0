import net from 'node:net';
import { startTestServer, type TestServer } from './support/test-server';

/** A raw kept-alive connection: sends a request, answers with the response's head once it is all there. */
function connectTo(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = '';
  let closedAt: number | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('close', () => (closedAt = Date.now()));
  return {
    get closedAt() {
      return closedAt;
    },
    async healthz(): Promise<string> {
      received = '';
      socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
      for (const started = Date.now(); !received.endsWith('{"status":"ok"}'); ) {
        if (closedAt !== null) throw new Error('the server closed the connection');
        if (Date.now() - started > 5000) throw new Error(`no answer: ${received}`);
        await sleep(10);
      }
      return received.split('\r\n')[0];
    },
    close: () => socket.destroy(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an idle kept-alive HTTP connection', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('stays open past Node’s default (5 s, closed at about 6), so that a proxy reusing it is not reset', async () => {
    server = await startTestServer();
    const connection = connectTo(server.url);
    try {
      expect(await connection.healthz()).toBe('HTTP/1.1 200 OK');
      await sleep(6500);
      expect(await connection.healthz()).toBe('HTTP/1.1 200 OK');
    } finally {
      connection.close();
    }
  }, 15_000);

  it('is closed by the server after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    server = await startTestServer({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const connection = connectTo(server.url);
    try {
      expect(await connection.healthz()).toBe('HTTP/1.1 200 OK');
      await sleep(500);
      expect(await connection.healthz()).toBe('HTTP/1.1 200 OK');
      const answered = Date.now();
      for (let waited = 0; connection.closedAt === null && waited < 5000; waited += 20) await sleep(20);
      expect(connection.closedAt).not.toBeNull();
      expect(connection.closedAt! - answered).toBeGreaterThanOrEqual(900);
    } finally {
      connection.close();
    }
  });
});
