import { DomainError } from '@shop/platform/errors';
import { type Redis, ReplyError, type Result } from 'ioredis';
import type { CartLine, CartStore, SetQuantityResult } from '../domain/ports.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cartSetQuantity(
      cart: string,
      productId: number,
      quantity: number,
      maxLines: number,
      ttlSeconds: number,
    ): Result<number, Context>;
    cartRemove(cart: string, ttlSeconds: number, ...productIds: number[]): Result<number, Context>;
    cartApplyOrder(
      cart: string,
      applied: string,
      ttlSeconds: number,
      ...productsAndQuantities: number[]
    ): Result<number, Context>;
  }
}

/**
 * The hash holds one field per product, `<quantity>:<position>`, and the field `#next`,
 * the last position handed out: positions keep the lines in the order first added.
 * A hash left with no line is deleted; any other change renews its expiry.
 */
const SETTLE = `
local function settle(cart, ttl)
  local held = redis.call('HLEN', cart) - redis.call('HEXISTS', cart, '#next')
  if held <= 0 then redis.call('DEL', cart) else redis.call('EXPIRE', cart, ttl) end
end
`;

const SET_QUANTITY = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.match(current, ':(%d+)$'))
else
  local held = redis.call('HLEN', KEYS[1]) - redis.call('HEXISTS', KEYS[1], '#next')
  if held >= tonumber(ARGV[3]) then
    redis.call('EXPIRE', KEYS[1], ARGV[4])
    return 0
  end
  local position = redis.call('HINCRBY', KEYS[1], '#next', 1)
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. position)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
`;

const REMOVE = `${SETTLE}
for i = 2, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
settle(KEYS[1], ARGV[1])
return 1
`;

/** The marker KEYS[2] is set in the same script: an event applied once is never applied again. */
const APPLY_ORDER = `${SETTLE}
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current then
    local quantity, position = string.match(current, '^(%d+):(%d+)$')
    local left = tonumber(quantity) - tonumber(ARGV[i + 1])
    if left <= 0 then
      redis.call('HDEL', KEYS[1], ARGV[i])
    else
      redis.call('HSET', KEYS[1], ARGV[i], string.format('%d', left) .. ':' .. position)
    end
  end
end
settle(KEYS[1], ARGV[1])
return 1
`;

export interface RedisCartStoreOptions {
  /** Days a cart lives without being read or changed. */
  idleDays: number;
  /** Prefix of every key this store writes (default `cart:v1:`, versioned so a new layout can live beside the old). */
  prefix?: string;
}

/**
 * Carts in Redis (server mode): one hash per user, `cart:v1:{<user id>}`, expiring
 * after the idle period; every read and write renews the expiry. Multi-step changes run
 * as Lua scripts, so each is atomic, the line limit included. The braces are a hash tag:
 * a cart and its applied-order markers share a cluster slot.
 */
export class RedisCartStore implements CartStore {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: Redis,
    options: RedisCartStoreOptions,
  ) {
    this.prefix = options.prefix ?? 'cart:v1:';
    this.ttlSeconds = Math.round(options.idleDays * 86_400);
    redis.defineCommand('cartSetQuantity', { numberOfKeys: 1, lua: SET_QUANTITY });
    redis.defineCommand('cartRemove', { numberOfKeys: 1, lua: REMOVE });
    redis.defineCommand('cartApplyOrder', { numberOfKeys: 2, lua: APPLY_ORDER });
  }

  lines(userId: number): Promise<CartLine[]> {
    return this.reach(async () => {
      const cart = this.cartKey(userId);
      const results = await this.redis.multi().hgetall(cart).expire(cart, this.ttlSeconds).exec();
      const [read] = results ?? [];
      if (!read || read[0]) throw read?.[0] ?? new Error('the cart read was aborted');
      return parseLines(read[1] as Record<string, string>);
    });
  }

  setQuantity(userId: number, productId: number, quantity: number, maxLines: number): Promise<SetQuantityResult> {
    return this.reach(async () => {
      const set = await this.redis.cartSetQuantity(
        this.cartKey(userId),
        productId,
        quantity,
        maxLines,
        this.ttlSeconds,
      );
      return set === 1 ? 'set' : 'cart_full';
    });
  }

  remove(userId: number, productIds: readonly number[]): Promise<void> {
    if (productIds.length === 0) return Promise.resolve();
    return this.reach(async () => {
      await this.redis.cartRemove(this.cartKey(userId), this.ttlSeconds, ...productIds);
    });
  }

  clear(userId: number): Promise<void> {
    return this.reach(async () => {
      await this.redis.del(this.cartKey(userId));
    });
  }

  applyOrder(userId: number, eventId: string, items: readonly CartLine[]): Promise<boolean> {
    return this.reach(async () => {
      const pairs = items.flatMap((item) => [item.productId, item.quantity]);
      const applied = await this.redis.cartApplyOrder(
        this.cartKey(userId),
        `${this.cartKey(userId)}:applied:${eventId}`,
        this.ttlSeconds,
        ...pairs,
      );
      return applied === 1;
    });
  }

  private cartKey(userId: number): string {
    return `${this.prefix}{${userId}}`;
  }

  /** A Redis that cannot be reached is an outage (503); an error Redis answered is a bug. */
  private async reach<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ReplyError || error instanceof DomainError) throw error;
      throw new DomainError('unavailable', 'The cart store cannot be reached right now.', {
        retryAfterSeconds: 1,
        cause: error,
      });
    }
  }
}

function parseLines(hash: Record<string, string>): CartLine[] {
  const lines: Array<CartLine & { position: number }> = [];
  for (const [field, value] of Object.entries(hash)) {
    if (field === '#next') continue;
    const [quantity, position] = value.split(':').map(Number);
    lines.push({ productId: Number(field), quantity: quantity ?? 0, position: position ?? 0 });
  }
  return lines.sort((a, b) => a.position - b.position).map(({ productId, quantity }) => ({ productId, quantity }));
}
