import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { Price } from '../../ui/money';
import { Options } from '../../ui/options';
import { Page } from '../../ui/page';
import { defaultProductSort, ProductSortField, parseProductSort } from '../../ui/product-sort';
import { categoryOptions, useCategories } from '../../ui/use-categories';
import { usePagedList } from '../../ui/use-paged-list';
import { AdminTable } from '../ui/admin-table';
import { Filters, SearchField } from '../ui/filters';
import { LocationNotice } from '../ui/location-notice';
import { PagedView } from '../ui/paged-view';
import { useDebouncedSearch, useQueryUpdater } from '../ui/use-debounced-search';
import { StockBadge } from './stock-badge';

const PAGE_SIZE = 25;

/** The catalog as the shop owner works on it: find, sort, open one to edit, or add one. */
export function ProductList() {
  const { api } = useSession();
  const search = useDebouncedSearch('q');
  const [params, update] = useQueryUpdater();
  const q = search.committed;
  const category = params.get('category') ?? '';
  const chosenSort = parseProductSort(params.get('sort'), q);
  const sort = chosenSort ?? defaultProductSort(q);
  const categories = useCategories('afresh');
  const categoryName = new Map(categories.data?.map((item) => [item.id, item.name]));

  const list = usePagedList<Product>(
    (cursor) =>
      unwrap(
        api.GET('/api/products', {
          params: { query: { limit: PAGE_SIZE, cursor, q: q || undefined, sort, category: category || undefined } },
        }),
      ),
    [q, sort, category],
  );

  return (
    <Page
      title="Manage products"
      actions={
        <Link className="button button-primary" to="/admin/products/new">
          New product
        </Link>
      }
    >
      <LocationNotice />
      <Filters onSubmit={search.submit}>
        <SearchField id="product-search" label="Search products" placeholder="Name or description" search={search} />
        <Field id="product-category" label="Category">
          {(control) => (
            <select {...control} value={category} onChange={(event) => update({ category: event.target.value })}>
              <option value="">All categories</option>
              <Options options={categoryOptions(categories.data ?? [])} />
            </select>
          )}
        </Field>
        <ProductSortField
          id="product-sort"
          q={q}
          sort={chosenSort}
          onChange={(next) => update({ sort: next ?? undefined })}
        />
      </Filters>
      <PagedView
        list={list}
        what="products"
        empty={
          q || category ? (
            <p>No product matches. Try other words or another category.</p>
          ) : (
            <p>
              The catalog is empty. <Link to="/admin/products/new">Add the first product</Link>.
            </p>
          )
        }
      >
        {(products) => (
          <AdminTable
            caption="Products"
            columns={
              <>
                <th scope="col">
                  <span className="visually-hidden">Image</span>
                </th>
                <th scope="col">Name</th>
                <th scope="col" className="numeric">
                  Price
                </th>
                <th scope="col" className="numeric">
                  Stock
                </th>
                <th scope="col">Category</th>
              </>
            }
          >
            {products.map((product) => (
              <tr key={product.id}>
                <td className="admin-thumb-cell">
                  {product.image_url ? (
                    <img className="admin-thumb" src={product.image_url} alt="" width={48} height={48} loading="lazy" />
                  ) : (
                    <span className="admin-thumb admin-thumb-empty" title="No image">
                      <span className="visually-hidden">No image</span>
                    </span>
                  )}
                </td>
                <td>
                  <Link to={`/admin/products/${product.id}`}>{product.name}</Link>
                </td>
                <td className="numeric">
                  <Price cents={product.price_cents} currency={product.currency} />
                </td>
                <td className="numeric">
                  <StockBadge stock={product.stock} />
                </td>
                <td>{categoryName.get(product.category_id) ?? `#${product.category_id}`}</td>
              </tr>
            ))}
          </AdminTable>
        )}
      </PagedView>
    </Page>
  );
}
