import net from 'node:net';

/**
 * A TCP proxy between the server and PostgreSQL that breaks the network for real:
 * - `refuse()`: every connection is cut and new ones are refused, as when the database is down;
 * - `partition()`: connections stay open but nothing gets through in either direction (bytes
 *   wait in the sockets, as TCP would retransmit them), and new ones are accepted but hear nothing;
 * - `heal()`: traffic flows again; what waited during a partition is delivered.
 */
export class FaultProxy {
  private listener: net.Server | null = null;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private partitioned = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Rewrites a connection URL so that it goes through this proxy. */
  urlFor(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  async start(port = 0): Promise<void> {
    const listener = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (listener.address() as net.AddressInfo).port;
    this.listener = listener;
  }

  async refuse(): Promise<void> {
    this.partitioned = false;
    const listener = this.listener;
    this.listener = null;
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  }

  partition(): void {
    this.partitioned = true;
    for (const pair of this.pairs) hold(pair);
  }

  async heal(): Promise<void> {
    // Piping a flowing pair a second time would deliver every byte twice.
    if (this.partitioned) for (const pair of this.pairs) flow(pair);
    this.partitioned = false;
    if (!this.listener) await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.refuse();
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    if (this.partitioned) hold(pair);
    else flow(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  }
}

function flow([client, upstream]: [net.Socket, net.Socket]): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Unpiped and paused, so nothing is read; what arrives waits in the socket buffers. */
function hold([client, upstream]: [net.Socket, net.Socket]): void {
  client.unpipe(upstream);
  upstream.unpipe(client);
  client.pause();
  upstream.pause();
}
