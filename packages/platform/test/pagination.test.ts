import { describe, expect, it } from 'vitest';
import { DomainError } from '../src/errors.ts';
import { idCursor, keysetCursor } from '../src/http/pagination.ts';

const cursor = keysetCursor({ newest: 'timestamp', price: 'int4', total: 'int8', rank: 'real', name: 'text' });
const forged = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return 'accepted';
};

describe('keysetCursor', () => {
  it('when a position is encoded, then decoding it for the same sort gives it back', () => {
    const position = { value: '2026-12-07 00:22:29.123456+00', id: 42 };
    expect(cursor.decode(cursor.encode('newest', position), 'newest')).toEqual(position);
  });

  it('when a cursor of one sort is used with another, then invalid_input', () => {
    expect(refusal(() => cursor.decode(cursor.encode('price', { value: '5', id: 1 }), 'total'))).toBe('invalid_input');
  });

  it.each([
    ['newest', '2024-02-29 12:00:00+00', 'accepted'],
    ['newest', '2023-02-29 12:00:00+00', 'invalid_input'],
    ['newest', '10000-01-01 00:00:00+00', 'invalid_input'],
    ['newest', '0000-01-01 00:00:00+00', 'invalid_input'],
    ['newest', '2026-01-01T25:00:00Z', 'invalid_input'],
    ['price', '2147483647', 'accepted'],
    ['price', '2147483648', 'invalid_input'],
    ['price', '-2147483649', 'invalid_input'],
    ['total', '9223372036854775807', 'accepted'],
    ['total', '9223372036854775808', 'invalid_input'],
    ['total', '1e3', 'invalid_input'],
    ['rank', '0.0607927', 'accepted'],
    ['rank', '1e-05', 'accepted'],
    ['rank', '1e39', 'invalid_input'],
    ['name', 'Smoked salmon', 'accepted'],
    ['name', 'nul\u0000inside', 'invalid_input'],
    ['name', 'x'.repeat(401), 'invalid_input'],
  ] as const)('when a %s cursor holds %j, then %s', (sort, value, outcome) => {
    expect(refusal(() => cursor.decode(forged({ s: sort, v: value, i: 1 }), sort))).toBe(outcome);
  });

  it.each([0, -1, 2 ** 31, 1.5, '1', null])('when the id is %j, then invalid_input', (id) => {
    expect(refusal(() => cursor.decode(forged({ s: 'price', v: '5', i: id }), 'price'))).toBe('invalid_input');
  });

  it.each(['', '!!!', forged([1]), forged('price'), forged({ s: 'price', v: 5, i: 1 })])(
    'when the cursor is %j, then invalid_input naming the cursor',
    (text) => {
      try {
        cursor.decode(text, 'price');
        expect.unreachable();
      } catch (error) {
        expect((error as DomainError).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
    },
  );
});

describe('idCursor', () => {
  it('when an id is encoded, then it decodes back; an id out of int4 range is invalid_input', () => {
    expect(idCursor.decode(idCursor.encode(7))).toBe(7);
    expect(refusal(() => idCursor.decode(forged({ after: 2 ** 31 })))).toBe('invalid_input');
    expect(refusal(() => idCursor.decode(forged({ after: 0 })))).toBe('invalid_input');
  });
});
