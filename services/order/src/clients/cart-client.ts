import type { ServiceClient } from '@shop/platform';
import { DomainError, ruleViolation } from '@shop/platform/errors';
import type { CartGateway, RequestedItem } from '../domain/ports.ts';

/** The caller's cart, read from the cart service with the caller's own token. */
export class HttpCartGateway implements CartGateway {
  constructor(private readonly http: ServiceClient) {}

  async items(userToken: string): Promise<RequestedItem[]> {
    const response = await this.http.call<{ items: Array<{ product_id: number; quantity: number }> }>(
      'GET',
      '/api/cart',
      {
        token: userToken,
      },
    );
    if (response.status !== 200) {
      throw new DomainError('unavailable', `The cart service answered ${response.status}.`, { retryAfterSeconds: 1 });
    }
    return response.body.items.map((item) => ({ productId: item.product_id, quantity: item.quantity }));
  }
}

/** Where no cart service runs, ordering from the cart is refused with a clear message. */
export class NoCartGateway implements CartGateway {
  async items(): Promise<RequestedItem[]> {
    throw ruleViolation(
      'Ordering from the cart needs the cart service, which is not configured (CART_URL); send items instead.',
      {
        errors: [{ field: 'from_cart', message: 'no cart service' }],
      },
    );
  }
}
