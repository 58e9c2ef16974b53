/**
 * The handlers a service gives the bus, tracked so that it can close cleanly. The bus
 * has no unsubscribe: once the service closes, deliveries are refused (the bus
 * redelivers them later), and stop() waits for the ones running, so the stores they
 * use outlive them.
 */
export class InFlightHandlers {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly service: string) {}

  track<A extends unknown[]>(handler: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return async (...args) => {
      if (this.stopping) throw new Error(`the ${this.service} service is shutting down`);
      const run = handler(...args);
      this.running.add(run);
      try {
        await run;
      } finally {
        this.running.delete(run);
      }
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }
}
