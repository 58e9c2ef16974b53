import { type DestinationStream, type Logger, type LoggerOptions, pino, stdSerializers } from 'pino';
import { currentTraceIds } from './trace.ts';

export type { Logger };

/** Paths never written to a log line: credentials and the bodies of auth requests. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'current_password',
  'refresh_token',
  'access_token',
  'client_secret',
  '*.password',
  '*.refresh_token',
  '*.access_token',
];

/**
 * A pino logger (to stdout, or `destination`) that keeps secrets and customers' data out
 * of its lines. Each line written while a request or an event is handled carries its
 * `trace_id` and `span_id` (see trace.ts), so a line leads to its trace and back.
 */
export function createLogger(
  options: { name: string; level?: string } & LoggerOptions,
  destination?: DestinationStream,
): Logger {
  const settings = {
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: serializeError },
    mixin: () => currentTraceIds() ?? {},
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** A password in a URL (`postgres://shop:secret@db/shop`). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;
/** What Drizzle adds to a failed query's message and stack: the bound values, a customer's e-mail say. */
const PARAMS = /\nparams: [\s\S]*?(?=: |\n\s+at |\ncaused by: |$)/g;

interface DatabaseErrorFields {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  schema?: unknown;
}

/**
 * Errors as pino writes them, without what a log must not hold: a failed query's bound
 * parameters, PostgreSQL's `detail` (it quotes the row: "Key (email)=(ada@…) exists"),
 * values PostgreSQL quotes in its message (`invalid input syntax for type integer: "…"`),
 * and passwords in URLs. The SQL text, the SQLSTATE and the names of the constraint,
 * table and column stay: they are what a person needs to find the fault.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const database = databaseError(error);
  const names = new Set(
    [database?.constraint, database?.table, database?.column, database?.schema].filter(
      (name): name is string => typeof name === 'string',
    ),
  );
  const clean = (text: string) => {
    let result = text.replace(URL_PASSWORD, '$1[redacted]@');
    if (!database) return result;
    result = result.replace(PARAMS, '');
    return result.replace(/"([^"\n]*)"/g, (quoted, inner: string) => (names.has(inner) ? quoted : '"[redacted]"'));
  };
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (key === 'params' || key === 'detail' || key === 'where' || key === 'parameters') continue;
    safe[key] = typeof value === 'string' && key !== 'query' ? clean(value) : value;
  }
  if (database && typeof database.code === 'string') safe.sqlState = database.code;
  return safe;
}

/** The PostgreSQL error in `error` or its causes (pg and PGlite both carry a SQLSTATE `code`). */
function databaseError(error: Error): DatabaseErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const fields = current as Error & DatabaseErrorFields & { query?: unknown };
    if (typeof fields.query === 'string' || (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code))) {
      const cause = fields.cause as (Error & DatabaseErrorFields) | undefined;
      return cause && typeof cause.code === 'string' ? cause : fields;
    }
    current = current.cause;
  }
  return undefined;
}
