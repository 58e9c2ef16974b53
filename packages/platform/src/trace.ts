import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/**
 * W3C trace context (`traceparent`) for the work in progress: an HTTP request or a
 * consumed event. Events written to the outbox carry it, the bus sends it in message
 * headers, and consumers run under it, so one trace id follows an order from the
 * request to the e-mail.
 *
 * With OpenTelemetry started (telemetry/start.ts), the active OpenTelemetry span is that
 * context: what an event carries is the span that recorded it, so the trace a collector
 * assembles and the ids in events and logs are the same. Without it, the helpers keep
 * their own context here, at no cost beyond an AsyncLocalStorage.
 */
const storage = new AsyncLocalStorage<{ traceparent: string }>();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Set while OpenTelemetry traces this process; the helpers then follow its active span. */
let tracer: Tracer | undefined;

/** Hands the helpers OpenTelemetry's tracer (at start), or takes it back (`undefined`, at shutdown). */
export function traceWithOpenTelemetry(given: Tracer | undefined): void {
  tracer = given;
}

/** The traceparent of the current request or event, if any. */
export function currentTraceparent(): string | undefined {
  const active = activeSpanContext();
  if (active) return `00-${active.traceId}-${active.spanId}-${active.traceFlags.toString(16).padStart(2, '0')}`;
  return storage.getStore()?.traceparent;
}

/** The trace and span ids of the current request or event, for log lines. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  const active = activeSpanContext();
  if (active) return { trace_id: active.traceId, span_id: active.spanId };
  const match = TRACEPARENT.exec(storage.getStore()?.traceparent ?? '');
  return match?.[1] && match[2] ? { trace_id: match[1], span_id: match[2] } : undefined;
}

/** A new span in `parent`'s trace, or a new trace when `parent` is absent or malformed. */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? TRACEPARENT.exec(parent.trim().toLowerCase()) : null;
  const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : randomHex(16);
  const flags = match?.[3] ?? '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

/**
 * Random ids are drawn from a pool refilled 4 KiB at a time: every request needs one or
 * two, and a call into the CSPRNG each was a measurable share of the gateway's CPU.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

/** What runWithTrace names the span it starts, when OpenTelemetry traces the process. */
export interface TracedWork {
  /** The span's name: `handle order.placed`, say. */
  name: string;
  /** A message handled (the default) or sent. */
  kind?: 'consumer' | 'producer';
  attributes?: Record<string, string | number | boolean>;
}

/**
 * Runs `fn` as a span of `parent`'s trace (a new trace without one).
 *
 * With OpenTelemetry, the span is a real one when `work` names it: a child of the active
 * span if that is already in `parent`'s trace (the instrumentation of amqplib or HTTP
 * extracted the same context), else of `parent` itself. Without `work` (an HTTP request,
 * which the HTTP and Fastify instrumentations already trace), `fn` runs in the active
 * span; when nothing traces it (a health check the instrumentation skips), it falls
 * back to the helpers' own context, as without OpenTelemetry.
 */
export function runWithTrace<T>(parent: string | undefined, fn: () => T, work?: TracedWork): T {
  if (!tracer) return storage.run({ traceparent: childTraceparent(parent) }, fn);
  const carried = parseTraceparent(parent);
  const active = activeSpanContext();
  const inCarriedTrace = active !== undefined && (!carried || carried.traceId === active.traceId);
  if (!work) return inCarriedTrace ? fn() : storage.run({ traceparent: childTraceparent(parent) }, fn);
  const parentContext = inCarriedTrace
    ? context.active()
    : carried
      ? trace.setSpanContext(ROOT_CONTEXT, carried)
      : ROOT_CONTEXT;
  const kind = SPAN_KINDS[work.kind ?? 'consumer'];
  return tracer.startActiveSpan(work.name, { kind, attributes: work.attributes }, parentContext, (span) =>
    endWhenDone(span, fn),
  );
}

const SPAN_KINDS = { consumer: SpanKind.CONSUMER, producer: SpanKind.PRODUCER };

/** The active OpenTelemetry span's context, when OpenTelemetry traces this process and a span is active. */
function activeSpanContext(): SpanContext | undefined {
  if (!tracer) return undefined;
  const span = trace.getSpan(context.active())?.spanContext();
  return span && isSpanContextValid(span) ? span : undefined;
}

/** A well-formed traceparent as the remote span context it names. */
function parseTraceparent(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const span = { traceId: match[1], spanId: match[2], traceFlags: Number.parseInt(match[3], 16), isRemote: true };
  return isSpanContextValid(span) ? span : undefined;
}

/** Ends `span` when `fn`'s work is over (its promise settled), recording a failure. */
function endWhenDone<T>(span: Span, fn: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    fail(error);
    span.end();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}
