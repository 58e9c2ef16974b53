/**
 * OpenTelemetry in one process, with spans kept in memory: each instrumentation records
 * what it should (HTTP in and out, Fastify routes, pg, ioredis, amqplib), and the
 * platform's own trace context (events, bus deliveries, log lines) is the active span's,
 * so a change, the event it records, the relay's publish and the consumers that handle it
 * are one trace. The modules it instruments are imported only after telemetry starts,
 * as the launchers do.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTelemetry } from '../src/telemetry/index.ts';

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RUN = randomBytes(4).toString('hex');

const exporter = new InMemorySpanExporter();
// Started before anything below imports Fastify, pg, ioredis or amqplib.
const telemetry = await startTelemetry({ service: 'telemetry-test', exporter });
afterAll(() => telemetry.shutdown());

const platform = () => import('../src/index.ts');

async function finishedSpans(): Promise<ReadableSpan[]> {
  await telemetry.flush();
  return exporter.getFinishedSpans();
}

const ids = (span: ReadableSpan) => span.spanContext();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const scope = (span: ReadableSpan) => span.instrumentationScope.name;

/** The one finished span `match` picks out; fails naming what there is otherwise. */
function one(spans: ReadableSpan[], what: string, match: (span: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(match);
  if (found.length !== 1) {
    const seen = spans.map((span) => `${scope(span)}: ${span.name}`).join('\n  ');
    throw new Error(`expected one span for ${what}, found ${found.length} among:\n  ${seen}`);
  }
  return found[0] as ReadableSpan;
}

/** A logger writing into an array of parsed lines. */
async function capturingLogger() {
  const { createLogger } = await platform();
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'traced', level: 'info' }, stream) };
}

describe('tracing HTTP', () => {
  it('when a service calls another, then client, server, route and handler spans form one trace, which the route and its log lines see', async () => {
    const { createHttpApp, currentTraceparent, ServiceClient } = await platform();
    const captured = await capturingLogger();
    const app = await createHttpApp({ name: 'traced', logger: captured.logger, docs: false });
    app.get('/where', async (request) => {
      request.log.info('handling');
      return { traceparent: currentTraceparent() };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    const client = new ServiceClient({ service: 'traced', baseUrl: `http://127.0.0.1:${address.port}` });
    try {
      // A caller that copies a trace header in (as the gateway forwards the one it is in):
      // the request must still carry exactly one, the client span's.
      const stale = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
      const response = await client.call<{ traceparent: string }>('GET', '/where', { headers: { traceparent: stale } });
      expect(response.status).toBe(200);

      const spans = await finishedSpans();
      const clientSpan = one(spans, 'the undici client', (s) => s.kind === SpanKind.CLIENT && s.name === 'GET');
      const traceId = ids(clientSpan).traceId;
      const serverSpan = one(spans, 'the HTTP server', (s) => s.kind === SpanKind.SERVER && ids(s).traceId === traceId);
      expect(parentOf(serverSpan)).toBe(ids(clientSpan).spanId);
      const routeSpan = one(
        spans,
        'the Fastify request',
        (s) => scope(s) === '@fastify/otel' && s.name === 'GET /where',
      );
      expect(parentOf(routeSpan)).toBe(ids(serverSpan).spanId);
      const handlerSpan = one(spans, 'the route handler', (s) => s.name.startsWith('handler'));
      expect(parentOf(handlerSpan)).toBe(ids(routeSpan).spanId);

      // What the route saw as its trace context is the active span, not the header the caller set.
      const [, seenTrace, seenSpan] = response.body.traceparent.split('-');
      expect(seenTrace).toBe(traceId);
      expect(seenSpan).toBe(ids(handlerSpan).spanId);
      const line = captured.lines.find((entry) => entry.msg === 'handling');
      expect(line).toMatchObject({ trace_id: traceId, span_id: ids(handlerSpan).spanId, service: 'traced' });
      expect(line?.reqId).toEqual(expect.any(String));
    } finally {
      await client.close();
      await app.close();
    }
  });

  it('when a probe asks for /health/live, then no span is recorded for it', async () => {
    const { createHttpApp } = await platform();
    const captured = await capturingLogger();
    const app = await createHttpApp({ name: 'probed', logger: captured.logger, docs: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    try {
      exporter.reset();
      expect((await fetch(`http://127.0.0.1:${address.port}/health/live`)).status).toBe(200);
      const spans = await finishedSpans();
      expect(spans.filter((span) => span.kind === SpanKind.SERVER || scope(span) === '@fastify/otel')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

// The test helpers import pg: only now.
const { freshPostgresDatabase, testServers } = await import('../src/testing/index.ts');
const servers = () => testServers();
const postgresReachable = Boolean(servers().postgresUrl) && Boolean(servers().redisUrl);
if (!postgresReachable && process.env.CI === 'true')
  throw new Error('CI=true but PostgreSQL or Redis is not reachable');

describe.runIf(postgresReachable)('tracing PostgreSQL and Redis', () => {
  it('when queries and commands run inside a span, then each is a child span; outside any, none is recorded', async () => {
    const { createLogger, openPostgres, openRedis } = await platform();
    const { sql } = await import('drizzle-orm');
    const created = await freshPostgresDatabase();
    const database = await openPostgres({
      service: 'platformtest',
      migrationsFolder: new URL('./fixtures/migrations', import.meta.url).pathname,
      url: created.url,
    });
    const { redis, close: closeRedis } = openRedis(
      servers().redisUrl ?? '',
      createLogger({ name: 'traced', level: 'silent' }),
    );
    const key = `telemetry-test:${RUN}`;
    try {
      await database.db.execute(sql`select 'untraced'`);
      exporter.reset();
      const tracer = trace.getTracer('test');
      const work = await tracer.startActiveSpan('work', async (span) => {
        await database.db.execute(sql`select 41 + 1`);
        await redis.set(key, 'x', 'EX', 60);
        span.end();
        return span.spanContext();
      });
      await database.db.execute(sql`select 'untraced again'`);

      const spans = await finishedSpans();
      const query = one(
        spans,
        'the query',
        (s) => scope(s).includes('instrumentation-pg') && s.name.includes('SELECT'),
      );
      expect(ids(query).traceId).toBe(work.traceId);
      expect(query.attributes['db.statement'] ?? query.attributes['db.query.text']).toContain('select 41 + 1');
      const command = one(
        spans,
        'the Redis command',
        (s) => scope(s).includes('instrumentation-ioredis') && s.name === 'set',
      );
      expect(parentOf(command)).toBe(work.spanId);
      expect(spans.filter((s) => ids(s).traceId !== work.traceId)).toEqual([]);
    } finally {
      await redis.del(key);
      await closeRedis();
      await database.close();
      await created.drop();
    }
  });
});

const amqp = await probeAmqp(AMQP_URL);
if (!amqp.ok && process.env.CI === 'true') throw new Error(`CI=true but RabbitMQ is not reachable: ${amqp.reason}`);

describe.runIf(postgresReachable && amqp.ok)('tracing an event from its change to its consumers', () => {
  it('when a change records an event, then relay publish, broker delivery, handling and the job it queues are one trace below it', async () => {
    const { OutboxRelay, RabbitMqBus, currentTraceparent, openPostgres } = await platform();
    const fixture = await import('./messaging/outbox-fixture.ts');
    const exchange = `test.telemetry.${RUN}`;
    const type = `test.traced.${RUN}`;
    const consumer = `test.telemetry-consumer.${RUN}`;
    const jobs = `test.telemetry-jobs.${RUN}`;
    const created = await freshPostgresDatabase();
    const database = await openPostgres({ ...fixture.migrationOptions, url: created.url });
    const bus = await RabbitMqBus.open({ url: AMQP_URL, exchange, connectionName: `telemetry test ${RUN}` });
    const relay = new OutboxRelay({
      db: database.db,
      table: fixture.outbox,
      bus,
      leadership: database.leadership('outbox'),
      logger: fixture.silentLogger,
      pollMs: 20,
    });
    const seenByConsumer = deferred<string | undefined>();
    const seenByJob = deferred<string | undefined>();
    try {
      await bus.subscribe(consumer, [type], async () => {
        seenByConsumer.resolve(currentTraceparent());
        await bus.enqueue(jobs, { id: `job-${RUN}`, type: 'test.job', data: {} });
      });
      await bus.consume(jobs, async () => seenByJob.resolve(currentTraceparent()));
      exporter.reset();

      const tracer = trace.getTracer('test');
      const { change, recorded, activeThen } = await tracer.startActiveSpan('change', async (span) => {
        let activeThen: string | undefined;
        const recorded = await database.db.transaction(async (tx) => {
          activeThen = currentTraceparent();
          return fixture.writer.add(tx, type, { n: 1 });
        });
        span.end();
        return { change: span.spanContext(), recorded, activeThen };
      });
      // The event carries the span it was recorded in.
      expect(recorded.traceparent).toBe(activeThen);
      expect(recorded.traceparent?.split('-')[1]).toBe(change.traceId);
      relay.start();
      const consumerSaw = await seenByConsumer.promise;
      const jobSaw = await seenByJob.promise;

      const spans = await vi.waitFor(
        async () => {
          const all = await finishedSpans();
          // The job's delivery span ends once the bus acked it, just after the handler returned.
          if (!all.some((s) => s.name === `${jobs} process`))
            throw new Error('the job delivery span has not ended yet');
          return all.filter((s) => ids(s).traceId === change.traceId);
        },
        { timeout: 10_000, interval: 50 },
      );
      const recordedIn = recorded.traceparent?.split('-')[2];
      expect(spans.some((s) => ids(s).spanId === recordedIn)).toBe(true);
      const relayed = one(spans, 'the relay publish', (s) => s.name === `publish ${type}`);
      expect(relayed.kind).toBe(SpanKind.PRODUCER);
      expect(parentOf(relayed)).toBe(recordedIn);
      const sent = one(spans, 'amqplib publish to the exchange', (s) => s.name === `publish ${exchange}`);
      expect(parentOf(sent)).toBe(ids(relayed).spanId);
      const delivered = one(spans, 'amqplib delivery', (s) => s.name === `${consumer} process`);
      expect(parentOf(delivered)).toBe(ids(sent).spanId);
      const handled = one(spans, 'the handler', (s) => s.name === `handle ${type}`);
      expect(parentOf(handled)).toBe(ids(delivered).spanId);
      expect(consumerSaw?.split('-')[2]).toBe(ids(handled).spanId);
      const queued = one(spans, 'amqplib publish of the job', (s) => s.name === 'publish <default>');
      expect(parentOf(queued)).toBe(ids(handled).spanId);
      const jobDelivered = one(spans, 'amqplib job delivery', (s) => s.name === `${jobs} process`);
      expect(parentOf(jobDelivered)).toBe(ids(queued).spanId);
      const jobHandled = one(spans, 'the job handler', (s) => s.name === 'handle test.job');
      expect(parentOf(jobHandled)).toBe(ids(jobDelivered).spanId);
      expect(jobSaw?.split('-')[2]).toBe(ids(jobHandled).spanId);
      // The relay's polling outside any trace left no spans of its own behind.
      expect((await finishedSpans()).filter((s) => !parentOf(s)).map((s) => s.name)).toEqual(['change']);
    } finally {
      await relay.stop();
      const queues = bus.declaredQueues;
      await bus.close();
      await removeBrokerState(exchange, queues);
      await database.close();
      await created.drop();
    }
  });
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

async function probeAmqp(url: string): Promise<{ ok: boolean; reason?: string }> {
  const { default: amqplib } = await import('amqplib');
  try {
    const connection = await amqplib.connect(url, { timeout: 2_000 });
    await connection.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

async function removeBrokerState(exchange: string, queues: string[]): Promise<void> {
  const { default: amqplib } = await import('amqplib');
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const queue of queues) await channel.deleteQueue(queue);
  await channel.deleteExchange(exchange);
  await connection.close();
}
