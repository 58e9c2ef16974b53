import { Link, useNavigate } from 'react-router';
import { unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { Page } from '../../ui/page';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { useCategories } from '../../ui/use-categories';
import { BackLink } from '../ui/detail-page';
import { EMPTY_PRODUCT, ProductForm } from './product-form';
import { useShopCurrency } from './shop-currency';

export function ProductNew() {
  const { api } = useSession();
  const navigate = useNavigate();
  const categories = useCategories('afresh');
  const currency = useShopCurrency();

  let body: React.ReactNode;
  if (categories.state === 'failed' || currency.state === 'failed') {
    const retry = () => {
      categories.reload();
      currency.reload();
    };
    body = <ErrorState error={categories.error ?? currency.error} retry={retry} />;
  } else if (categories.state === 'loading' || currency.state === 'loading') {
    body = <Loading />;
  } else if (categories.data.length === 0) {
    body = (
      <Empty>
        <p>
          Every product belongs to a category, and there is none yet. <Link to="/admin/categories">Add a category</Link>{' '}
          first.
        </p>
      </Empty>
    );
  } else {
    body = (
      <div className="card admin-narrow">
        <ProductForm
          initial={EMPTY_PRODUCT}
          categories={categories.data}
          currency={currency.data}
          withStock
          onSave={async (output) => {
            const product = await unwrap(api.POST('/api/products', { body: { ...output, stock: output.stock ?? 0 } }));
            navigate(`/admin/products/${product.id}`, {
              state: { notice: `${product.name} was created. Add its image here.` },
            });
            return undefined;
          }}
        />
      </div>
    );
  }
  return (
    <Page title="New product">
      <BackLink to="/admin/products">All products</BackLink>
      {body}
    </Page>
  );
}
