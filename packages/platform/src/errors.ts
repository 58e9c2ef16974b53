/**
 * Errors are data: a stable code, a human detail and optional structured details.
 * Business code throws these; the HTTP layer maps each code to a status in one table
 * (see http/problem.ts). Nothing here knows about HTTP.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_violation'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_gateway';

export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  /** Per-field problems, returned to the client as `errors`. */
  errors?: ReadonlyArray<FieldError | Record<string, unknown>>;
  /** When the caller may try again, in seconds (rate limits, outages). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly errors: ReadonlyArray<FieldError | Record<string, unknown>> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (detail: string) => new DomainError('not_found', detail);
export const conflict = (detail: string, options?: DomainErrorOptions) => new DomainError('conflict', detail, options);
export const ruleViolation = (detail: string, options?: DomainErrorOptions) =>
  new DomainError('rule_violation', detail, options);
export const invalidInput = (detail: string, options?: DomainErrorOptions) =>
  new DomainError('invalid_input', detail, options);
export const forbidden = (detail: string) => new DomainError('forbidden', detail);
export const unauthenticated = (detail: string) => new DomainError('unauthenticated', detail);
