import { type Logger, type LoggerOptions, pino } from 'pino';

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

export function createLogger(options: { name: string; level?: string } & LoggerOptions): Logger {
  return pino({ redact: { paths: REDACT, censor: '[redacted]' }, ...options });
}
