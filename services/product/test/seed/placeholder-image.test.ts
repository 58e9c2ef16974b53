import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/domain/image-type.ts';
import { placeholderPng } from '../../src/seed/placeholder-image.ts';

describe('placeholderPng', () => {
  it('when no size is given, then it is a valid 256×256 PNG of a few KB', () => {
    const bytes = placeholderPng({ seed: 'Scottish Smoked Salmon', hue: 198 });

    const image = PNG.sync.read(bytes);
    expect([image.width, image.height]).toEqual([256, 256]);
    expect(bytes.length).toBeLessThan(16 * 1024);
  });

  it('when a size is given, then the PNG decodes to that size', () => {
    for (const size of [1, 17, 64]) {
      const image = PNG.sync.read(placeholderPng({ seed: 'x', hue: 30, size }));
      expect([image.width, image.height]).toEqual([size, size]);
    }
  });

  it('when sniffed, then it is image/png', () => {
    expect(sniffImageType(placeholderPng({ seed: 'Country Sourdough Loaf', hue: 36 }))).toBe('image/png');
  });

  it('when called twice with the same options, then the bytes are identical', () => {
    const options = { seed: 'Butter Croissants', hue: 36, size: 96 };
    expect(placeholderPng(options).equals(placeholderPng(options))).toBe(true);
  });

  it('when two seeds differ, then the images differ', () => {
    const first = placeholderPng({ seed: 'Cold Brew Coffee Concentrate', hue: 275 });
    const second = placeholderPng({ seed: 'Ginger Kombucha', hue: 275 });
    expect(first.equals(second)).toBe(false);
    expect(PNG.sync.read(first).data.equals(PNG.sync.read(second).data)).toBe(false);
  });

  it('when the hue changes, then the colours follow it', () => {
    const red = PNG.sync.read(placeholderPng({ seed: 'same', hue: 0, size: 32 }));
    const blue = PNG.sync.read(placeholderPng({ seed: 'same', hue: 240, size: 32 }));
    // The bottom-right corner is gradient background: red dominates in one, blue in the other.
    const corner = (image: PNG) => Array.from(image.data.subarray(image.data.length - 4, image.data.length - 1));
    const [r1, , b1] = corner(red);
    const [r2, , b2] = corner(blue);
    expect(r1).toBeGreaterThan(b1!);
    expect(b2).toBeGreaterThan(r2!);
  });

  it('when the size is not a positive integer, then it throws', () => {
    for (const size of [0, -5, 12.5, Number.NaN, 100_000]) {
      expect(() => placeholderPng({ seed: 'x', hue: 0, size })).toThrow(RangeError);
    }
  });
});
