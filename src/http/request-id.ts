import type { MiddlewareHandler } from 'hono';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request one id, echoed as `X-Request-Id` and carried into logs and audit.
 * A caller-supplied id is kept only if it is short and safe to log.
 */
export function requestId(): MiddlewareHandler {
  return async function requestIdMiddleware(c, next) {
    const supplied = c.req.header('x-request-id');
    const id = supplied && SAFE_ID.test(supplied) ? supplied : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}
