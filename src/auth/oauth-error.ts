/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error';

/**
 * A refusal from the token endpoint. Unlike GatewayError it becomes an RFC 6749 §5.2 JSON body
 * (`{error, error_description}`), never an OperationOutcome (ARCHITECTURE §2: the one exception).
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  /** RFC 6749 §5.2: 401 for a failed client authentication, 400 for everything else the client got wrong. */
  get status(): 400 | 401 | 500 {
    if (this.error === 'invalid_client') return 401;
    if (this.error === 'server_error') return 500;
    return 400;
  }

  /** The JSON body of the error response. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
