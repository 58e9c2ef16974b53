import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError, type ErrorCode, type FieldError } from '../errors.ts';

/** The one table from error code to HTTP status. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unsupported_media: 415,
  rule_violation: 422,
  rate_limited: 429,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, as every error response carries them. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ReadonlyArray<FieldError | Record<string, unknown>>;
}

/**
 * An error raised by the HTTP layer itself (auth challenges, gateways): it knows its
 * status and may add response headers. Business code throws DomainError instead.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    detail: string,
    readonly options: { code?: string; headers?: Record<string, string>; errors?: Problem['errors'] } = {},
  ) {
    super(detail);
  }
}

export function problem(status: number, code: string, detail: string, errors?: Problem['errors']): Problem {
  return {
    type: `urn:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Ajv errors → `[{field, message}]` where field is a dotted path into the request part. */
export function fieldErrors(validation: ReadonlyArray<AjvError>, context?: string): FieldError[] {
  return validation.map((error) => {
    const path = error.instancePath.split('/').filter(Boolean);
    if (error.keyword === 'required') path.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
    const field = path.join('.') || (context === 'body' ? '(body)' : `(${context ?? 'request'})`);
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties') message = 'is not a known field';
    if (error.keyword === 'required') message = 'is required';
    return { field, message };
  });
}

/** Maps anything thrown while handling a request to problem+json. Never leaks a stack or SQL. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof DomainError) {
    const status = STATUS_BY_CODE[error.code];
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterSeconds)));
    if (status >= 500) request.log.warn({ err: error }, 'dependency problem');
    return reply
      .code(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(status, error.code, error.message, error.errors));
  }
  if (error instanceof HttpProblem) {
    for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
    return reply
      .code(error.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(error.status, error.options.code ?? codeFor(error.status), error.message, error.options.errors));
  }
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation) {
    const errors = fieldErrors(fastifyError.validation, fastifyError.validationContext);
    const where = fastifyError.validationContext === 'body' ? 'request body' : fastifyError.validationContext;
    return reply
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(400, 'invalid_input', `The ${where ?? 'request'} is invalid.`, errors));
  }
  if (isUnstorableText(error)) {
    return reply
      .code(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(400, 'invalid_input', 'The request contains text that cannot be stored (a NUL character).'));
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return reply
      .code(status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(problem(status, codeFor(status), clientMessage(fastifyError, request)));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .code(500)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problem(500, 'internal', 'An unexpected error occurred. It has been logged.'));
}

/** PostgreSQL refuses U+0000 in text (22P05, 22021): the client's input, not a server fault. */
function isUnstorableText(error: unknown): boolean {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const code = withCode.code ?? withCode.cause?.code;
  return code === '22P05' || code === '22021';
}

function codeFor(status: number): string {
  const known = Object.entries(STATUS_BY_CODE).find(([, value]) => value === status);
  if (known) return known[0];
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');
}

/** Fastify's own 4xx messages are safe to show; they name the limit or the media type. */
function clientMessage(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than this endpoint accepts.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `The content type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted here.`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty but the content type is application/json.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    default:
      return error.message;
  }
}
