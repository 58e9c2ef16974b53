import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { InProcessBus } from '../../src/messaging/in-process-bus.ts';
import { cloudEvent } from '../../src/messaging/outbox.ts';
import { busContract } from './bus.contract.ts';

busContract('in-process', async () => new InProcessBus());

describe('InProcessBus', () => {
  it('when a handler changes the event it received, then other consumers and later attempts still get it as published', async () => {
    const bus = new InProcessBus();
    const seen: unknown[] = [];
    const mutate = async (event: { data: unknown }, delivery: { attempt: number }) => {
      seen.push(structuredClone(event.data));
      (event.data as { n: number }).n = 99;
      if (delivery.attempt === 1) throw new Error('retry me');
    };
    await bus.subscribe('a', ['t'], mutate, { attempts: 2, backoffMs: 5 });
    await bus.subscribe('b', ['t'], mutate, { attempts: 2, backoffMs: 5 });
    await bus.publish(cloudEvent('/test', 't', { n: 1 }));
    await vi.waitFor(() => expect(seen).toHaveLength(4));
    expect(seen).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }, { n: 1 }]);
    await bus.close();
  });

  it('when concurrency is 2 and handlers block, then at most 2 run at once and the rest wait their turn', async () => {
    const bus = new InProcessBus({ concurrency: 2 });
    let running = 0;
    let most = 0;
    let done = 0;
    await bus.consume('q', async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(30);
      running -= 1;
      done += 1;
    });
    for (let i = 0; i < 6; i += 1) await bus.enqueue('q', { id: String(i), type: 'x', data: null });
    await vi.waitFor(() => expect(done).toBe(6));
    expect(most).toBe(2);
    await bus.close();
  });

  it('when the bus closes with a retry pending, then the retry is cancelled and the handler not called again', async () => {
    const bus = new InProcessBus();
    let calls = 0;
    await bus.consume(
      'q',
      async () => {
        calls += 1;
        throw new Error('later');
      },
      { attempts: 3, backoffMs: 100 },
    );
    await bus.enqueue('q', { id: '1', type: 'x', data: null });
    await vi.waitFor(() => expect(calls).toBe(1));
    await bus.close();
    await sleep(200);
    expect(calls).toBe(1);
  });
});
