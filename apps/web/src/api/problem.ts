/** An RFC 9457 problem, as every API error answers (and the OAuth endpoints' `{error}`). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: Array<Record<string, unknown>>;
}

/** A request the API refused or could not answer; `problem` says why, as the server put it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
    /** How long the server asked to wait before trying again (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(problem.detail ?? problem.title ?? `The request failed (${status}).`);
  }

  /** Per-field messages (`errors: [{field, message}]`), for forms. */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const error of this.problem.errors ?? []) {
      if (typeof error.field === 'string' && typeof error.message === 'string') fields[error.field] ??= error.message;
    }
    return fields;
  }
}

/** The problem in an error body, whatever shape the server used; `status` when it said nothing. */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object') {
    const value = body as Record<string, unknown>;
    if (typeof value.detail === 'string' || typeof value.title === 'string') return { ...value, status } as Problem;
    if (typeof value.error === 'string') {
      return { status, title: value.error, detail: String(value.error_description ?? value.error) };
    }
  }
  return { status, detail: undefined };
}

/** What to tell a person about a failed request: the server's words, or what it means. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problem.detail) return error.problem.detail;
    if (error.status === 429) return 'Too many attempts. Wait a moment and try again.';
    if (error.status >= 500) return 'The shop could not answer just now. Try again in a moment.';
    return `The request failed (${error.status}).`;
  }
  if (error instanceof TypeError) return 'The shop cannot be reached. Check the connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
