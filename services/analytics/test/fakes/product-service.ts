import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SwitchableServer, switchableServer } from '@shop/platform/testing';

/** A product as the fake catalog holds it. */
export interface FakeProduct {
  id: number;
  name: string;
  price_cents: number;
  stock: number;
  archived?: boolean;
}

/**
 * The product service's public catalog over real HTTP, as analytics reads it: GET
 * /api/products/{id} (404 for an unknown or archived product) and the listing GET
 * /api/products?limit=&cursor= (newest first, the next page's cursor in next_cursor), in the
 * product service's JSON. It records every path asked for, can be taken down and brought
 * back (connections refused meanwhile), and can hold the listing until the test lets it answer.
 */
export class FakeProductService {
  readonly requests: string[] = [];
  private readonly products = new Map<number, FakeProduct>();
  private held: Array<() => void> | undefined;
  /** When set, every request is answered with this status (a problem). */
  failing: number | undefined;
  private server!: Server;
  private switchable!: SwitchableServer;
  url = '';

  static async start(products: readonly FakeProduct[] = []): Promise<FakeProductService> {
    const fake = new FakeProductService();
    for (const product of products) fake.set(product);
    fake.server = createServer((request, response) => fake.answer(request, response));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.switchable = switchableServer(fake.server);
    return fake;
  }

  set(product: FakeProduct): void {
    this.products.set(product.id, product);
  }

  /** Listing pages wait from now on until release(). */
  holdListing(): void {
    this.held ??= [];
  }

  /** Answers the listing pages held, and no longer holds them. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  /** The listing requests waiting for release(). */
  get waiting(): number {
    return this.held?.length ?? 0;
  }

  /** Connections refused until start(). */
  stop(): Promise<void> {
    return this.switchable.stop();
  }

  start(): Promise<void> {
    return this.switchable.start();
  }

  async close(): Promise<void> {
    this.release();
    await this.switchable.stop();
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    if (this.failing !== undefined) {
      problem(response, this.failing, 'The fake product service was told to fail.');
      return;
    }
    const one = /^\/api\/products\/(\d+)$/.exec(url.pathname);
    if (request.method === 'GET' && one) {
      const product = this.products.get(Number(one[1]));
      if (product && !product.archived) json(response, 200, view(product));
      else problem(response, 404, `Product ${one[1]} not found.`);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/api/products') {
      const page = () => this.page(url, response);
      if (this.held) this.held.push(page);
      else page();
      return;
    }
    problem(response, 404, 'No such route.');
  }

  private page(url: URL, response: ServerResponse): void {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const after = Number(url.searchParams.get('cursor') ?? Number.POSITIVE_INFINITY);
    const newest = [...this.products.values()]
      .filter((product) => !product.archived && product.id < after)
      .sort((a, b) => b.id - a.id);
    const items = newest.slice(0, limit);
    const last = items.at(-1);
    json(response, 200, {
      items: items.map(view),
      next_cursor: newest.length > limit && last ? String(last.id) : null,
    });
  }
}

function view(product: FakeProduct) {
  return {
    id: product.id,
    name: product.name,
    description: `${product.name}, as the fake catalog describes it.`,
    price_cents: product.price_cents,
    currency: 'EUR',
    stock: product.stock,
    category_id: 1,
    image_url: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function problem(response: ServerResponse, status: number, detail: string): void {
  response.writeHead(status, { 'content-type': 'application/problem+json' });
  response.end(JSON.stringify({ type: 'about:blank', title: `Status ${status}`, status, detail }));
}
