import { mulberry32 } from '@shop/platform';
import { PNG } from 'pngjs';

export type PlaceholderShape = 'circle' | 'rounded-square' | 'stripes';

const SHAPES: readonly PlaceholderShape[] = ['circle', 'rounded-square', 'stripes'];
const DEFAULT_SIZE = 256;
const MAX_SIZE = 2048;

type Rgb = readonly [number, number, number];

/**
 * A square PNG for a demo product: a soft diagonal gradient in `hue` with one shape on
 * it (circle, rounded square or stripes). The shape, its place, size, angle and tint come
 * from `seed`, so the same seed always gives the same bytes and neighbours look different.
 */
export function placeholderPng(options: { seed: string; hue: number; size?: number }): Buffer {
  const size = options.size ?? DEFAULT_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) {
    throw new RangeError(`placeholder size must be an integer from 1 to ${MAX_SIZE}, got ${size}`);
  }
  const hue = ((options.hue % 360) + 360) % 360;
  const random = mulberry32(fnv1a(options.seed));
  const shape = pickShape(random, size);
  const ink = hslToRgb(hue - 40 + random() * 80, 0.5, 0.4 + random() * 0.15);

  // The gradient depends on x + y only, so each diagonal's colour is computed once.
  const span = Math.max(1, 2 * (size - 1));
  const gradient = Array.from({ length: 2 * size - 1 }, (_, diagonal) =>
    hslToRgb(hue, 0.6, 0.9 - (0.22 * diagonal) / span),
  );
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const background = gradient[x + y]!;
      // Half a pixel of coverage either side of the edge keeps it smooth without blurring.
      const cover = 0.85 * clamp(0.5 - shape.distance(x + 0.5, y + 0.5), 0, 1);
      const offset = (y * size + x) * 4;
      png.data[offset] = Math.round(background[0] + (ink[0] - background[0]) * cover);
      png.data[offset + 1] = Math.round(background[1] + (ink[1] - background[1]) * cover);
      png.data[offset + 2] = Math.round(background[2] + (ink[2] - background[2]) * cover);
      png.data[offset + 3] = 255;
    }
  }
  // Unfiltered rows and plain deflate (pngjs defaults to run-length only) let deflate match
  // each row against the one above shifted by a pixel: 3-7 KB at 256², not 20-30 KB.
  return PNG.sync.write(png, { colorType: 2, deflateLevel: 6, deflateStrategy: 0, filterType: 0 });
}

interface Shape {
  kind: PlaceholderShape;
  /** Signed distance in pixels: negative inside the shape, positive outside. */
  distance(x: number, y: number): number;
}

function pickShape(random: () => number, size: number): Shape {
  const kind = SHAPES[Math.floor(random() * SHAPES.length)] ?? 'circle';
  const cx = size * (0.38 + random() * 0.24);
  const cy = size * (0.38 + random() * 0.24);
  const angle = random() * (Math.PI / 2);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  switch (kind) {
    case 'circle': {
      const radius = size * (0.2 + random() * 0.1);
      return { kind, distance: (x, y) => Math.hypot(x - cx, y - cy) - radius };
    }
    case 'rounded-square': {
      const half = size * (0.17 + random() * 0.08);
      const corner = half * 0.35;
      return {
        kind,
        distance(x, y) {
          const u = Math.abs((x - cx) * cos + (y - cy) * sin) - half + corner;
          const v = Math.abs(-(x - cx) * sin + (y - cy) * cos) - half + corner;
          return Math.hypot(Math.max(u, 0), Math.max(v, 0)) + Math.min(Math.max(u, v), 0) - corner;
        },
      };
    }
    case 'stripes': {
      // Bands parallel to the gradient: every row is then the row above shifted by one
      // pixel, which deflate stores almost for free.
      const period = Math.max(2, size * (0.12 + random() * 0.08));
      const width = 0.3 + random() * 0.2;
      const phase = random();
      return {
        kind,
        distance(x, y) {
          const along = (x + y) / Math.SQRT2 / period + phase;
          return (Math.abs(along - Math.floor(along) - 0.5) - width / 2) * period;
        },
      };
    }
  }
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 360) + 360) % 360) / 30;
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + h) % 12;
    return 255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
