import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { GatewayError, badRequest, internalError, notFound, toOperationOutcome } from '../outcomes/index.js';
import { FHIR_JSON } from './fhir-response.js';

/** Logs go through here so tests can silence them and Workers' console still gets them. */
export type ErrorLogger = (entry: { requestId?: string; code: string; status: number; cause?: unknown }) => void;

const defaultLogger: ErrorLogger = (entry) => {
  // Only server faults are worth a log line; 4xx are the client's business.
  if (entry.status >= 500) console.error('[gateway]', entry.code, entry.requestId ?? '', entry.cause);
};

/** Turns any thrown value into a GatewayError; unknown errors become a generic 500. */
export function normalizeError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof ZodError) {
    const first = err.issues[0];
    return badRequest(first ? `${first.message} at \`${first.path.join('.') || '(root)'}\`.` : 'Invalid input.', first?.path.join('.'));
  }
  if (err instanceof HTTPException) {
    if (err.status === 404) return notFound();
    return new GatewayError('HTTP_BAD_REQUEST', err.status >= 500 ? 500 : 400, {
      severity: 'error',
      code: err.status >= 500 ? 'exception' : 'invalid',
      details: { text: err.status >= 500 ? 'Internal error.' : 'Bad request.' },
    });
  }
  return internalError(err);
}

/** Writes an error as an OperationOutcome with its status and headers. */
export function outcomeResponse(c: Context, err: GatewayError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  const body: OperationOutcome = toOperationOutcome(err);
  return c.body(JSON.stringify(body), err.status as ContentfulStatusCode, { 'Content-Type': FHIR_JSON });
}

/**
 * The one `app.onError` (STYLE: set once, on the root app). No stack, SQL or original
 * message ever reaches the client; causes are logged with the request id.
 */
export function createErrorHandler(log: ErrorLogger = defaultLogger) {
  return function onError(err: unknown, c: Context): Response {
    const gatewayError = normalizeError(err);
    log({ requestId: c.get('requestId'), code: gatewayError.code, status: gatewayError.status, cause: gatewayError.cause ?? err });
    return outcomeResponse(c, gatewayError);
  };
}

/** `app.notFound`: unknown routes answer a 404 OperationOutcome. */
export function onNotFound(c: Context): Response {
  return outcomeResponse(c, notFound(`No route for \`${c.req.method} ${new URL(c.req.url).pathname}\`.`, 'HTTP_NOT_FOUND'));
}
