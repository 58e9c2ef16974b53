import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { InProcessBus } from '../src/messaging/in-process-bus.ts';
import { cloudEvent } from '../src/messaging/outbox.ts';
import { childTraceparent, currentTraceparent, runWithTrace } from '../src/trace.ts';

const logger = createLogger({ name: 'trace-test', level: 'silent' });
const traceId = (traceparent: string | undefined) => traceparent?.split('-')[1];

describe('trace context', () => {
  const bus = new InProcessBus({ logger });
  afterAll(() => bus.close());

  it('when a request carries a traceparent, then the handler runs in a child span of that trace', async () => {
    const app = await createHttpApp({ name: 'trace', logger });
    app.get('/seen', async () => ({ traceparent: currentTraceparent() }));
    await app.ready();
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await app.inject({ method: 'GET', url: '/seen', headers: { traceparent: incoming } });
    const seen = response.json().traceparent as string;
    expect(traceId(seen)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(seen).not.toBe(incoming); // a new span of the same trace
    const fresh = (await app.inject({ method: 'GET', url: '/seen' })).json().traceparent as string;
    expect(fresh).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceId(fresh)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    await app.close();
  });

  it('when an event is written in a trace and consumed, then the consumer runs in the same trace', async () => {
    const seen = new Promise<string | undefined>((resolve) => {
      void bus.subscribe('trace-consumer', ['trace.test'], async () => resolve(currentTraceparent()));
    });
    const event = runWithTrace(undefined, () => cloudEvent('/test', 'trace.test', {}, currentTraceparent()));
    await bus.publish(event);
    expect(traceId(await seen)).toBe(traceId(event.traceparent));
  });

  it('when the parent is malformed or all zeros, then a new trace starts', () => {
    expect(traceId(childTraceparent('garbage'))).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId(childTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`))).not.toBe('0'.repeat(32));
  });

  it('when many requests start, then every new trace and span id is well formed and none repeats', () => {
    // 1,000 traces draw 24 KB of randomness: the 4 KiB pool refills several times on the way.
    const made = Array.from({ length: 1_000 }, () => childTraceparent(undefined));
    for (const traceparent of made) expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(new Set(made.map(traceId)).size).toBe(made.length);
    expect(new Set(made.map((traceparent) => traceparent.split('-')[2])).size).toBe(made.length);
  });
});
