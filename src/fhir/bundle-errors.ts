import type { BundleEntryResponse } from '@medplum/fhirtypes';
import { GatewayError, internalError, toOperationOutcome } from '../outcomes/index.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** A failed batch entry's response: status line plus OperationOutcome; unknown errors become a bare 500. */
export function normalizeErrorForEntry(err: unknown): BundleEntryResponse {
  const gatewayError = err instanceof GatewayError ? err : internalError(err);
  if (!(err instanceof GatewayError)) console.error('[gateway] batch entry failed', err);
  return { status: `${gatewayError.status} ${REASONS[gatewayError.status] ?? ''}`.trim(), outcome: toOperationOutcome(gatewayError) };
}
