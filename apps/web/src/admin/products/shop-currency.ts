import { unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { useResource } from '../../ui/use-resource';

/** The shop prices in one currency; a product of the catalog says which (EUR for an empty one). */
export function useShopCurrency() {
  const { api } = useSession();
  return useResource(
    async () =>
      (await unwrap(api.GET('/api/products', { params: { query: { limit: 1 } } }))).items[0]?.currency ?? 'EUR',
    ['shop-currency'],
  );
}
