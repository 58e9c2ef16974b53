/**
 * RFC 6749 §5.2 error codes the token endpoint answers with. Everything else the
 * account service refuses is a platform DomainError (problem+json).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

/** One message for an unknown e-mail and a wrong password, so neither can be probed. */
export const BAD_CREDENTIALS = 'The e-mail address or password is wrong.';
