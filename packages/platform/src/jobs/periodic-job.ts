/**
 * Work a service repeats on a timer (sweeping expired rows, retrying calls that failed):
 * every `intervalSeconds` once started, never two runs at a time (a run asked for while
 * one goes on joins it), and stop() ends the schedule and waits for the run in progress,
 * so a clean shutdown never cuts one in half. `work` handles its own errors.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly intervalSeconds: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  runOnce(): Promise<void> {
    this.running ??= this.work().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
