export { GatewayError, isGatewayError } from './gateway-error.js';
export type { GatewayErrorCode, ErrorStatus } from './gateway-error.js';
export {
  badRequest,
  bodyTooLarge,
  conflict,
  forbidden,
  gone,
  informational,
  internalError,
  invalidBundle,
  invalidSearch,
  malformedJson,
  methodNotAllowed,
  notAcceptable,
  notFound,
  preconditionFailed,
  serviceUnavailable,
  toOperationOutcome,
  tooManyRequests,
  unauthorized,
  unprocessable,
  unsupportedMediaType,
} from './outcomes.js';
