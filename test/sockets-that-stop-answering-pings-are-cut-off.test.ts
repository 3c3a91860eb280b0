import WebSocket from 'ws';
import { connectionInit, sleep, untilSubscribed, wsUrlOf } from './support/subscriptions';
import { startTestServer, type TestServer } from './support/test-server';

const KEEPALIVE_MS = 200;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WS_KEEPALIVE_MS: String(KEEPALIVE_MS) });
});
afterAll(() => server.stop());

/** An acknowledged graphql-transport-ws socket that subscribes to every event; `autoPong: false` plays a vanished client. */
async function subscribedSocket(autoPong: boolean): Promise<{ socket: WebSocket; pings: () => number; closed: Promise<number> }> {
  const socket = new WebSocket(wsUrlOf(server.url), 'graphql-transport-ws', { autoPong });
  let pings = 0;
  socket.on('ping', () => pings++);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const acknowledged = new Promise((resolve) => socket.once('message', resolve));
  socket.send(connectionInit(server.url));
  await acknowledged;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { timelineEventAdded { id } }' } }));
  return { socket, pings: () => pings, closed };
}

describe('a socket that stops answering pings', () => {
  it('is cut off within two intervals, its subscription let go, while a socket that answers stays', async () => {
    const before = server.realtime.subscriberCount;
    const answering = await subscribedSocket(true);
    const silent = await subscribedSocket(false);
    await untilSubscribed(server, before + 2);
    const startedAt = Date.now();

    const code = await Promise.race([silent.closed, sleep(5_000).then(() => 'still open')]);
    // Terminated, not closed: the client sees the connection drop (1006), as when its network did.
    expect(code).toBe(1006);
    expect(Date.now() - startedAt).toBeLessThan(KEEPALIVE_MS * 2 + 1_000);
    expect(silent.pings()).toBeGreaterThanOrEqual(1);
    for (const deadline = Date.now() + 5_000; server.realtime.subscriberCount > before + 1 && Date.now() < deadline; ) await sleep(20);
    expect(server.realtime.subscriberCount).toBe(before + 1);

    // The answering socket is pinged about once an interval and kept, well past the point where the silent one went.
    await sleep(KEEPALIVE_MS * 5);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    expect(answering.pings()).toBeGreaterThanOrEqual(4);
    answering.socket.close();
    await answering.closed;
  });
});
