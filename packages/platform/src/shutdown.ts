import type { Logger } from './logger.ts';

/**
 * Runs `close` once on SIGINT or SIGTERM, then exits. `close` should stop accepting
 * work, let in-flight work finish and close connections; if it takes longer than
 * `timeoutMs`, the process exits anyway with code 1.
 */
export function closeOnSignals(close: () => Promise<void>, logger: Logger, timeoutMs = 10_000): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** Turns a listen error into a message a person can act on. */
export function describeListenError(error: unknown, service: string, port: number, portVariable: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} is already in use, so the ${service} service cannot start. Is the shop already running? Stop it, or set ${portVariable} to another port.`;
  }
  if (code === 'EACCES') return `No permission to listen on port ${port} (${portVariable}).`;
  return `The ${service} service could not listen on port ${port}: ${(error as Error).message}`;
}
