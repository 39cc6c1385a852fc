/** The OperationOutcomes an upstream fault becomes: texts say nothing the upstream said. */
import { GatewayError } from '../../outcomes/index.js';

export function upstreamTimeout(cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_TIMEOUT', 504, { severity: 'error', code: 'timeout', details: { text: 'The upstream FHIR server did not answer in time; nothing was released.' } }, { cause });
}

export function upstreamUnavailable(retryAfterSeconds?: number, cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_UNAVAILABLE', 503, { severity: 'error', code: 'transient', details: { text: 'The upstream FHIR server is unavailable; nothing was released.' } }, {
    cause,
    ...(retryAfterSeconds !== undefined ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : {}),
  });
}

export function upstreamBadResponse(cause?: unknown): GatewayError {
  return new GatewayError('UPSTREAM_BAD_RESPONSE', 502, { severity: 'error', code: 'exception', details: { text: 'The upstream FHIR server gave an answer that could not be checked; nothing was released.' } }, { cause });
}
