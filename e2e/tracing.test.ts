/**
 * One checkout, one trace, across processes: the shop in server mode (a process per
 * service, from the production build, on PostgreSQL, Redis and RabbitMQ), every service
 * exporting its spans over OTLP/HTTP (JSON) to a receiver this test runs. The spans are
 * read as a collector would get them: one trace id from the client's request through
 * gateway → order → product (the stock reservation) and order → outbox relay → RabbitMQ
 * → notification (the event's handling, in which the e-mail is stored and sent) and
 * → product (committing the reservation), each span's parent found in the trace, across
 * process boundaries.
 *
 * Batches are exported only at shutdown here (OTEL_BSP_SCHEDULE_DELAY is longer than the
 * test), so the spans arriving at all proves a stopping service flushes them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { testServers } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingServers } from './broker.ts';
import { call } from './http.ts';
import { eventually } from './stack.ts';
import { type Shop, server } from './topologies.ts';

/** A span as OTLP/HTTP JSON carries it, with the service that exported it. */
interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** OTLP's SpanKind numbers. */
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}

/** An OTLP/HTTP receiver: takes POST /v1/traces in JSON, as a collector would, and keeps the spans. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Requests it could not take (wrong path, content type or body), for the assertion message. */
  readonly refused: string[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => this.receive(request, response));
  }

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !contentType.startsWith('application/json')) {
        this.refused.push(`${request.method} ${request.url} ${contentType}`);
        response.writeHead(415).end();
        return;
      }
      try {
        this.keep(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpTraces);
      } catch (error) {
        this.refused.push(`unreadable body: ${(error as Error).message}`);
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }

  private keep(traces: OtlpTraces): void {
    for (const resourceSpans of traces.resourceSpans ?? []) {
      const resource = attributes(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({
            service: String(resource['service.name']),
            scope: scopeSpans.scope?.name ?? '',
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributes(span.attributes),
          });
        }
      }
    }
  }
}

function attributes(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    result[key] = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
  }
  return result;
}

const missing = await missingServers('Tracing end-to-end', testServers());

describe.skipIf(missing.length > 0)('one checkout, one trace (server mode, OTLP/HTTP)', () => {
  let receiver: OtlpReceiver;
  let shop: Shop | undefined;
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    // Every service process the topology starts inherits these.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '600000';
    shop = await server.start();
  }, 120_000);

  afterAll(async () => {
    await shop?.stop();
    await receiver?.close();
  }, 60_000);

  it('when a customer checks out, then gateway, order, product, the relay, RabbitMQ and notification spans form one trace with unbroken parent links', async () => {
    const running = shop as Shop;
    const login = async (email: string, password: string) => {
      const response = await fetch(`${running.gateway}/api/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username: email, password }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const admin = await login(running.adminEmail, running.adminPassword);
    const category = await call(running.gateway, 'POST', '/api/categories', {
      token: admin,
      body: { name: `Traced ${run}` },
    });
    const product = await call(running.gateway, 'POST', '/api/products', {
      token: admin,
      body: {
        name: `Lamp ${run}`,
        description: 'A traced lamp',
        price_cents: 1250,
        stock: 5,
        category_id: category.body.id,
      },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    const email = `tracy-${run}@example.com`;
    const registered = await call(running.gateway, 'POST', '/api/auth/register', {
      body: { email, name: 'Tracy', password: 'e2e-password' },
    });
    expect(registered.status).toBe(201);
    const customer = await login(email, 'e2e-password');

    // The client starts the trace, as a browser or another system with tracing would.
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const placed = await call(running.gateway, 'POST', '/api/orders', {
      token: customer,
      body: { items: [{ product_id: product.body.id, quantity: 1 }] },
      headers: { 'idempotency-key': `traced-${run}`, traceparent: `00-${traceId}-${clientSpanId}-01` },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    await eventually(async () => {
      const { body } = await call(running.gateway, 'GET', '/api/admin/emails?limit=100', { token: admin });
      const emails = body.items as Array<{ to: string; subject: string; status: string }>;
      return emails.some((e) => e.to === email && e.subject.includes(`#${placed.body.id}`) && e.status === 'sent')
        ? true
        : undefined;
    }, 30_000);

    // Stopping the services flushes what each still holds.
    await running.stop();
    shop = undefined;
    expect(receiver.refused).toEqual([]);
    const trace = receiver.spans.filter((span) => span.traceId === traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const described = () => trace.map((s) => `${s.service} ${s.scope} "${s.name}" ${s.spanId}<-${s.parentSpanId}`);
    const one = (what: string, match: (span: ReceivedSpan) => boolean): ReceivedSpan => {
      const found = trace.filter(match);
      if (found.length !== 1) {
        throw new Error(`expected one span for ${what}, found ${found.length} in:\n  ${described().join('\n  ')}`);
      }
      return found[0] as ReceivedSpan;
    };
    /** Whether `span` is below `ancestor` in the trace. */
    const below = (span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
      for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) {
        if (at.spanId === ancestor.spanId) return true;
      }
      return false;
    };

    expect([...new Set(trace.map((span) => span.service))]).toEqual(
      expect.arrayContaining(['gateway', 'order', 'product', 'notification']),
    );
    // gateway → order → product
    const atGateway = one(
      'the gateway receiving the checkout',
      (s) => s.service === 'gateway' && s.kind === KIND.server,
    );
    expect(atGateway.parentSpanId).toBe(clientSpanId);
    const proxied = one(
      'the gateway calling the order service',
      (s) =>
        s.service === 'gateway' &&
        s.kind === KIND.client &&
        String(s.attributes['url.full']).endsWith('/api/orders') &&
        below(s, atGateway),
    );
    const atOrder = one(
      'the order service receiving it',
      (s) => s.service === 'order' && s.kind === KIND.server && s.parentSpanId === proxied.spanId,
    );
    expect(trace.some((s) => s.service === 'order' && s.scope === '@fastify/otel' && below(s, atOrder))).toBe(true);
    const reserving = one(
      'the order service reserving stock',
      (s) =>
        s.service === 'order' &&
        s.kind === KIND.client &&
        String(s.attributes['url.full']).endsWith('/internal/reservations') &&
        below(s, atOrder),
    );
    const atProduct = one(
      'the product service reserving',
      (s) => s.service === 'product' && s.kind === KIND.server && s.parentSpanId === reserving.spanId,
    );
    expect(
      trace.some((s) => s.service === 'product' && s.scope.includes('instrumentation-pg') && below(s, atProduct)),
    ).toBe(true);
    // order → outbox relay → RabbitMQ → notification
    const relayed = one('the relay publishing order.placed', (s) => s.name === 'publish order.placed');
    expect([relayed.service, relayed.kind]).toEqual(['order', KIND.producer]);
    expect(below(relayed, atOrder)).toBe(true);
    const sent = one(
      'amqplib publishing it',
      (s) => s.scope.includes('instrumentation-amqplib') && s.parentSpanId === relayed.spanId,
    );
    expect(sent.kind).toBe(KIND.producer);
    const delivered = one(
      'the notification service receiving it',
      (s) => s.service === 'notification' && s.kind === KIND.consumer && s.parentSpanId === sent.spanId,
    );
    const handled = one('the notification service handling it', (s) => s.parentSpanId === delivered.spanId);
    expect(handled.name).toBe('handle order.placed');
    // The e-mail is stored (with the inbox row, one statement) and sent while the event is
    // handled: no job goes through the work queue when the first send works.
    const recorded = one(
      'the e-mail being stored',
      (s) => s.scope.includes('instrumentation-pg') && s.name.includes('notification_record_'),
    );
    expect(below(recorded, handled)).toBe(true);
    expect(
      trace.some((s) => s.scope.includes('instrumentation-pg') && s.name.includes('UPDATE') && below(s, handled)),
    ).toBe(true);
    expect(trace.filter((s) => s.kind === KIND.producer && below(s, handled))).toEqual([]);
    // The product service commits the reservation on the same event.
    const atProductConsumer = one(
      'the product service receiving it',
      (s) => s.service === 'product' && s.kind === KIND.consumer && s.parentSpanId === sent.spanId,
    );
    const committed = one('the product service handling it', (s) => s.parentSpanId === atProductConsumer.spanId);
    expect(committed.name).toBe('handle order.placed');
    expect(trace.some((s) => s.scope.includes('instrumentation-pg') && below(s, committed))).toBe(true);
    // Nothing in the trace hangs loose: every span's parent is in it, but the client's.
    const orphans = trace.filter((span) => span !== atGateway && !byId.has(span.parentSpanId));
    expect(orphans.map((span) => `${span.service} "${span.name}"`)).toEqual([]);
  }, 120_000);
});
