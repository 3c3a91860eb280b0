import type http from 'node:http';
import type { Authenticator } from '../access/authenticator';
import { ErrorCode } from '../core/errors';
import type { Viewer } from '../core/viewer';
import { sendJson } from './http-errors';

/** The viewer a GraphQL request acts as; null once the request has been answered with a refusal. */
export type RequestViewer = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<Viewer | null>;

/**
 * Every GraphQL request must carry a credential, checked from its headers before its body is
 * read: no credential, or a malformed, unknown, expired or revoked one, is HTTP 401 with
 * UNAUTHENTICATED and nothing else.
 */
export function authenticateHttp(authenticator: Authenticator): RequestViewer {
  return async (req, res) => {
    const viewer = await authenticator.authenticate(req.headers.authorization);
    if (viewer) return viewer;
    res.setHeader('www-authenticate', 'Bearer realm="customer-timeline"');
    sendJson(res, 401, { errors: [{ message: 'A valid credential is required: send Authorization: Bearer <API key or token>.', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
    return null;
  };
}
