import { freePort } from '@shop/platform/testing';
import { describe, expect, it } from 'vitest';

describe('freePort', () => {
  it('when many ports are asked for at once, then each is below the ephemeral range and none is given twice', async () => {
    const ports = await Promise.all(Array.from({ length: 200 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
  });
});
