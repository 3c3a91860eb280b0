import { Client, type Notification } from 'pg';
import type { Logger } from '../core/logger';

export interface NotificationListenerOptions {
  connectionString: string;
  channels: readonly string[];
  log: Logger;
  onNotification(notification: Notification): void;
  /** The connection dropped: notifications may be missed until `onRestored`. */
  onLost(): void;
  /** A new connection listens again; what was missed meanwhile must be read from the database. */
  onRestored(): void;
}

/** Reconnect pauses grow from 0.1 s to 1 s (with jitter), so a database that is back is heard again within 1-2 s. */
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 1000;
/**
 * A LISTEN connection carries no traffic of its own, so a network partition would go unnoticed
 * for as long as TCP keepalive takes (minutes). A heartbeat query notices it within seconds.
 */
const HEARTBEAT_MS = 3000;
const HEARTBEAT_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 3000;

/**
 * The one PostgreSQL connection of this process that LISTENs: it reconnects by itself with
 * backoff, and tells its owner when notifications may have been missed and when it hears again.
 */
export class NotificationListener {
  private client: Client | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private failedAttempts = 0;

  constructor(private readonly options: NotificationListenerOptions) {}

  get isListening(): boolean {
    return this.client != null;
  }

  /** Connects and listens; throws when the first connection cannot be made. */
  async start(): Promise<void> {
    await this.connect();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: 'customer-timeline-listener',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (notification) => this.options.onNotification(notification));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private async beat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query({ text: 'SELECT 1', query_timeout: HEARTBEAT_TIMEOUT_MS } as never);
    } catch {
      this.lost(client);
    }
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.options.log.warn('realtime: lost the LISTEN connection; reconnecting');
    this.options.onLost();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failedAttempts);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      try {
        await this.connect();
        if (this.failedAttempts > 0) this.options.log.info({ attempts: this.failedAttempts + 1 }, 'realtime: LISTEN connection restored');
        else this.options.log.info('realtime: LISTEN connection restored');
        this.failedAttempts = 0;
        if (this.client) this.options.onRestored();
      } catch {
        this.failedAttempts++;
        // One line per ten attempts at most: an outage is already announced by onLost.
        if (this.failedAttempts % 10 === 1) this.options.log.warn({ attempt: this.failedAttempts }, 'realtime: reconnecting failed; trying again');
        this.scheduleReconnect();
      }
    }, delay);
  }
}
