import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { GatewayError, type GatewayErrorCode } from './gateway-error.js';

type IssueCode = OperationOutcomeIssue['code'];

function issue(code: IssueCode, text: string, expression?: string | string[]): OperationOutcomeIssue {
  const out: OperationOutcomeIssue = { severity: 'error', code, details: { text } };
  if (expression !== undefined) out.expression = Array.isArray(expression) ? expression : [expression];
  return out;
}

/** 400: the request cannot be understood. `expression` locates the problem (FHIRPath or parameter name). */
export function badRequest(text: string, expression?: string | string[], code: GatewayErrorCode = 'HTTP_BAD_REQUEST'): GatewayError {
  return new GatewayError(code, 400, issue('invalid', text, expression));
}

export function malformedJson(text = 'The request body is not valid JSON.'): GatewayError {
  return new GatewayError('HTTP_MALFORMED_JSON', 400, issue('structure', text));
}

export function invalidSearch(text: string, parameter?: string): GatewayError {
  return new GatewayError('FHIR_INVALID_SEARCH', 400, issue('invalid', text, parameter));
}

export function invalidBundle(text: string, expression?: string): GatewayError {
  return new GatewayError('FHIR_INVALID_BUNDLE', 400, issue('invalid', text, expression));
}

export function unauthorized(text = 'A valid bearer token is required.', code: GatewayErrorCode = 'AUTH_MISSING_TOKEN'): GatewayError {
  const error = code === 'AUTH_MISSING_TOKEN' ? '' : ', error="invalid_token"';
  return new GatewayError(code, 401, issue('login', text), { headers: { 'WWW-Authenticate': `Bearer realm="fhir"${error}` } });
}

export function forbidden(text: string, code: GatewayErrorCode = 'AUTH_INSUFFICIENT_SCOPE'): GatewayError {
  return new GatewayError(code, 403, issue('forbidden', text));
}

export function notFound(text = 'Resource not found.', code: GatewayErrorCode = 'FHIR_NOT_FOUND'): GatewayError {
  return new GatewayError(code, 404, issue('not-found', text));
}

export function methodNotAllowed(method: string, path: string): GatewayError {
  return new GatewayError('HTTP_METHOD_NOT_ALLOWED', 405, issue('not-supported', `Method \`${method}\` is not allowed on \`${path}\`.`));
}

export function notAcceptable(text: string): GatewayError {
  return new GatewayError('HTTP_NOT_ACCEPTABLE', 406, issue('not-supported', text));
}

export function conflict(text: string, code: GatewayErrorCode = 'STORE_VERSION_CONFLICT', expression?: string): GatewayError {
  return new GatewayError(code, 409, issue('conflict', text, expression));
}

export function gone(text = 'Resource was deleted.'): GatewayError {
  return new GatewayError('FHIR_GONE', 410, issue('deleted', text));
}

export function preconditionFailed(text: string, code: GatewayErrorCode = 'FHIR_PRECONDITION_FAILED'): GatewayError {
  return new GatewayError(code, 412, issue('conflict', text));
}

export function bodyTooLarge(limit: number): GatewayError {
  return new GatewayError('HTTP_BODY_TOO_LARGE', 413, issue('too-costly', `The request body exceeds the limit of ${limit} bytes.`));
}

export function unsupportedMediaType(got: string | undefined): GatewayError {
  return new GatewayError(
    'HTTP_UNSUPPORTED_MEDIA_TYPE',
    415,
    issue('not-supported', `Content type \`${got ?? '(none)'}\` is not supported; send \`application/fhir+json\`.`),
  );
}

/** 422: a well-formed resource that breaks R4 or a claimed profile. Each issue carries its FHIRPath. */
export function unprocessable(issues: OperationOutcomeIssue[]): GatewayError {
  return new GatewayError('FHIR_INVALID_RESOURCE', 422, issues);
}

export function tooManyRequests(retryAfterSeconds: number): GatewayError {
  return new GatewayError('RATE_LIMITED', 429, issue('throttled', 'Too many requests.'), {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/** 500 with a fixed text: the cause is logged, never sent (no stack, SQL or message). */
export function internalError(cause?: unknown): GatewayError {
  return new GatewayError('INTERNAL', 500, issue('exception', 'Internal error.'), { cause });
}

/** 501: this deployment cannot offer the operation at all (retrying will not help). */
export function notImplemented(text: string): GatewayError {
  return new GatewayError('OPERATION_NOT_AVAILABLE', 501, issue('not-supported', text));
}

export function serviceUnavailable(text = 'The service is temporarily unavailable.', cause?: unknown): GatewayError {
  return new GatewayError('STORE_UNAVAILABLE', 503, issue('transient', text), { cause });
}

/** Builds the OperationOutcome body for an error. */
export function toOperationOutcome(err: GatewayError): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: err.issues };
}

/** An informational outcome (e.g. the body of a successful delete). */
export function informational(text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { text } }] };
}
