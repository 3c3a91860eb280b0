import { HeaderMap, type ApolloServer } from '@apollo/server';
import type express from 'express';
import { ErrorCode } from '../core/errors';
import { newRequestScope, runInScope, type RequestScope } from '../core/request-scope';
import type { RequestContext } from './request-context';

export interface GraphqlOverHttpOptions {
  /** The context of one request, in the scope that bounds its database work. */
  context: (scope: RequestScope, res: express.Response) => RequestContext;
  operationTimeoutMs: number;
  connectionsPerRequest: number;
  maxResponseBytes: number;
}

/**
 * POST (and GET) /graphql for Apollo, through its integration API: each request runs in a scope
 * of its own (deadline, database connections it may hold, statement count), and a query whose
 * answer would exceed MAX_RESPONSE_BYTES gets an error instead. A mutation's answer is always
 * sent: what it wrote is committed, and the cost bound keeps its answer small.
 */
export function graphqlOverHttp(apollo: ApolloServer<RequestContext>, options: GraphqlOverHttpOptions): express.RequestHandler {
  return async (req, res, next) => {
    const scope = newRequestScope({ timeoutMs: options.operationTimeoutMs, maxConnections: options.connectionsPerRequest });
    const context = options.context(scope, res);
    try {
      await runInScope(scope, async () => {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: new URL(req.url, 'http://localhost').search, body: req.body },
          context: async () => context,
        });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind !== 'complete') {
          for await (const chunk of response.body.asyncIterator) res.write(chunk);
          res.end();
          return;
        }
        const body = Buffer.from(response.body.string);
        if (context.info.operation === 'query' && body.byteLength > options.maxResponseBytes) {
          res.statusCode = 400;
          res.send(tooLarge(body.byteLength, options.maxResponseBytes));
          return;
        }
        // Written as it is: Express's send would hash every answer for an ETag, which no client of
        // a POST (nor of personal data that is audited when shown) should revalidate against.
        res.setHeader('content-length', body.byteLength);
        res.end(body);
      });
    } catch (error) {
      next(error);
    }
  };
}

function tooLarge(bytes: number, limit: number): string {
  return JSON.stringify({
    errors: [
      {
        message: `The answer would be ${bytes} bytes; at most ${limit} are sent. Ask for fewer fields or smaller pages.`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'MAX_RESPONSE_SIZE', bytes, limit },
      },
    ],
  });
}
