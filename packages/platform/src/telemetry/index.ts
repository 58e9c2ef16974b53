export { startTelemetry, type TelemetryOptions } from './start.ts';
export type { Telemetry } from './telemetry.ts';
