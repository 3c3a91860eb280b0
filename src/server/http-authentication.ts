import type express from 'express';
import type { Authenticator } from '../access/authenticator';
import { ErrorCode } from '../core/errors';
import type { Viewer } from '../core/viewer';

/**
 * Every GraphQL request must carry a credential, checked from its headers before its body is
 * read: no credential, or a malformed, unknown, expired or revoked one, is HTTP 401 with
 * UNAUTHENTICATED and nothing else. The viewer it names goes on to the request's context.
 */
export function authenticateHttp(authenticator: Authenticator): express.RequestHandler {
  return async (req, res, next) => {
    try {
      const viewer = await authenticator.authenticate(req.headers.authorization);
      if (!viewer) {
        res.status(401).setHeader('www-authenticate', 'Bearer realm="customer-timeline"');
        res.type('application/json').send(JSON.stringify({ errors: [{ message: 'A valid credential is required: send Authorization: Bearer <API key or token>.', extensions: { code: ErrorCode.UNAUTHENTICATED } }] }));
        return;
      }
      res.locals.viewer = viewer;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function viewerOf(res: express.Response): Viewer {
  return res.locals.viewer as Viewer;
}
