import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from './webhook-target';

export interface SendResult {
  /** The HTTP status, when an answer came. */
  status: number | null;
  /** What went wrong, for the delivery's `error`; null on 2xx. */
  error: string | null;
}

/** Answers read at most this far (receivers' bodies are ignored; they are drained so connections are reused). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs webhook bodies over kept-alive connections, with a deadline for the whole exchange, no
 * redirects followed (a 3xx is a failure), and every connection checked against private
 * addresses after its name resolved (unless allowed).
 */
export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly timeoutMs: number,
    allowPrivateTargets: boolean,
  ) {
    const lookup = guardedLookup(allowPrivateTargets);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, lookup } as http.AgentOptions);
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, lookup } as https.AgentOptions);
  }

  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return finish({ status: null, error: 'the URL cannot be parsed' });
      }
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(
        target,
        {
          method: 'POST',
          agent: target.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'customer-timeline-webhooks/1', ...headers },
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) response.destroy();
          });
          const status = response.statusCode ?? 0;
          const done = () => finish({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        finish({ status: null, error: `no answer within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, error: error.code === 'EPRIVATE' ? error.message : `${error.code ?? 'error'}: ${error.message}` }));
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
