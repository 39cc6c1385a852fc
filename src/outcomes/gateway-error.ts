import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * Closed set of failure codes. Callers branch on the code, never on message text
 * (jose's `ERR_*` codes). The prefix names the capability that raises it.
 */
export type GatewayErrorCode =
  | 'HTTP_MALFORMED_JSON'
  | 'HTTP_BODY_TOO_LARGE'
  | 'HTTP_UNSUPPORTED_MEDIA_TYPE'
  | 'HTTP_NOT_ACCEPTABLE'
  | 'HTTP_METHOD_NOT_ALLOWED'
  | 'HTTP_NOT_FOUND'
  | 'HTTP_BAD_REQUEST'
  | 'AUTH_MISSING_TOKEN'
  | 'AUTH_INVALID_TOKEN'
  | 'AUTH_INSUFFICIENT_SCOPE'
  | 'FHIR_UNKNOWN_RESOURCE_TYPE'
  | 'FHIR_NOT_FOUND'
  | 'FHIR_GONE'
  | 'FHIR_INVALID_SEARCH'
  | 'FHIR_INVALID_BUNDLE'
  | 'FHIR_ID_MISMATCH'
  | 'FHIR_PRECONDITION_FAILED'
  | 'FHIR_MULTIPLE_MATCHES'
  | 'FHIR_INVALID_RESOURCE'
  | 'STORE_VERSION_CONFLICT'
  | 'REFERRAL_ILLEGAL_TRANSITION'
  | 'REFERRAL_STATUS_REASON_REQUIRED'
  | 'REFERRAL_FORBIDDEN'
  | 'REFERRAL_CONSENT_NOT_COVERING'
  | 'STORE_UNAVAILABLE'
  /** A capability this deployment shape cannot offer (e.g. indicators in upstream mode). */
  | 'OPERATION_NOT_AVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

/** HTTP statuses an OperationOutcome may carry; chosen in outcomes.ts and nowhere else. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 500 | 501 | 502 | 503 | 504;

/**
 * The one error type the gateway throws for anything a client should hear about.
 * `cause` is for logs only and never reaches a response.
 */
export class GatewayError extends Error {
  readonly issues: OperationOutcomeIssue[];

  constructor(
    readonly code: GatewayErrorCode,
    readonly status: ErrorStatus,
    issues: OperationOutcomeIssue | OperationOutcomeIssue[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    const list = Array.isArray(issues) ? issues : [issues];
    super(list[0]?.details?.text ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.issues = list;
    this.headers = options?.headers ?? {};
  }

  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
