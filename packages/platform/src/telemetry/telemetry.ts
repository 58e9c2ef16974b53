/** Tracing in this process, on or off. */
export interface Telemetry {
  readonly enabled: boolean;
  /** Exports the spans finished so far. */
  flush(): Promise<void>;
  /** Exports what is left and stops tracing: the last step of a shutdown. */
  shutdown(): Promise<void>;
}
