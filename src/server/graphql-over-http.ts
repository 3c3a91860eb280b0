import { HeaderMap, type ApolloServer } from '@apollo/server';
import type http from 'node:http';
import { ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import { newRequestScope, runInScope, type RequestScope } from '../core/request-scope';
import type { Viewer } from '../core/viewer';
import type { RequestViewer } from './http-authentication';
import { sendHttpError, sendJson } from './http-errors';
import type { RequestContext } from './request-context';

/** A request whose JSON body, once read, is on `body` (as body-parser leaves it). */
export type GraphqlRequest = http.IncomingMessage & { body?: unknown };

/** A body-parser middleware (such as `express.json`): reads the body onto `req.body`, or passes on why it could not. */
export type BodyReader = (req: GraphqlRequest, res: http.ServerResponse, done: (error?: unknown) => void) => void;

export interface GraphqlOverHttpOptions {
  viewer: RequestViewer;
  readBody: BodyReader;
  /** The context of one request, in the scope that bounds its database work. */
  context: (scope: RequestScope, viewer: Viewer) => RequestContext;
  operationTimeoutMs: number;
  connectionsPerRequest: number;
  maxResponseBytes: number;
  log: Logger;
}

/**
 * GraphQL over HTTP for Apollo, through its integration API: the credential first, then the
 * body, then the operation, in a scope of its own (deadline, database connections it may hold,
 * statement count). A query whose answer would exceed MAX_RESPONSE_BYTES gets an error instead;
 * a mutation's answer is always sent: what it wrote is committed, and the cost bound keeps it small.
 * It takes node's own requests and responses, so that POST /graphql needs no Express.
 */
export function graphqlOverHttp(apollo: ApolloServer<RequestContext>, options: GraphqlOverHttpOptions): (req: GraphqlRequest, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const viewer = await options.viewer(req, res);
      if (!viewer) return;
      await new Promise<void>((read, failed) => options.readBody(req, res, (error) => (error ? failed(error) : read())));
      const scope = newRequestScope({ timeoutMs: options.operationTimeoutMs, maxConnections: options.connectionsPerRequest });
      const context = options.context(scope, viewer);
      await runInScope(scope, async () => {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method!.toUpperCase(), headers, search: new URL(req.url!, 'http://localhost').search, body: req.body },
          context: async () => context,
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind !== 'complete') {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
          return;
        }
        const body = response.body.string;
        const bytes = Buffer.byteLength(body);
        if (context.info.operation === 'query' && bytes > options.maxResponseBytes) {
          sendJson(res, 400, tooLarge(bytes, options.maxResponseBytes));
          return;
        }
        // Written as it is: no ETag, which no client of a POST (nor of personal data that is
        // audited when shown) should revalidate against. As text: Node writes it behind the
        // headers in one string, encoded outside the JavaScript heap, where a Buffer per answer
        // took a slice of the Buffer pool, whose slabs V8 counts as external memory.
        res.setHeader('content-length', bytes);
        res.end(body);
      });
    } catch (error) {
      sendHttpError(res, error, options.log);
    }
  };
}

function tooLarge(bytes: number, limit: number) {
  return {
    errors: [
      {
        message: `The answer would be ${bytes} bytes; at most ${limit} are sent. Ask for fewer fields or smaller pages.`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'MAX_RESPONSE_SIZE', bytes, limit },
      },
    ],
  };
}
