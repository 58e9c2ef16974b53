import { HttpProblem } from '@shop/platform';

/** Nothing answered: the service is not running, not resolvable, or the gateway is shutting its pool. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'FST_REPLY_FROM_SERVICE_UNAVAILABLE',
]);

/** Connected, but no answer in time. */
const TOO_SLOW = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

/** Seconds a client should wait before trying a service that is down again. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/**
 * What the client hears when forwarding to `service` failed before it answered:
 * 503 when it cannot be reached (with Retry-After), 504 when it answered too slowly,
 * 502 for anything else (a reset connection, a response that is not HTTP).
 */
export function upstreamProblem(
  service: string,
  error: unknown,
  timeoutMs: number,
  context: { bodyUnfinished?: boolean } = {},
): HttpProblem {
  const codes = errorCodes(error);
  if (codes.some((code) => UNREACHABLE.has(code))) {
    return new HttpProblem(503, `The ${service} service is not reachable.`, {
      code: 'unavailable',
      headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    });
  }
  if (codes.some((code) => TOO_SLOW.has(code))) {
    return new HttpProblem(504, `The ${service} service did not answer within ${timeoutMs / 1000} s.`, {
      code: 'timeout',
    });
  }
  // A service that refuses a body (413, 415) may close before reading it; its answer is then lost.
  const detail = context.bodyUnfinished
    ? `The ${service} service closed the connection before taking the whole request body (it may refuse a body this large).`
    : `The ${service} service closed the connection or gave an invalid response.`;
  return new HttpProblem(502, detail, { code: 'bad_gateway' });
}

/** The codes along an error's cause chain (reply-from wraps undici's errors; connect errors may be aggregated). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...errorCodes(cause, depth + 1),
    ...(Array.isArray(errors) ? errors.flatMap((inner) => errorCodes(inner, depth + 1)) : []),
  ];
}
