import { useState } from 'react';
import { unwrap } from '../../api/client';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { useIdParam } from '../../ui/id-param';
import { NotFound } from '../../ui/not-found';
import { Page } from '../../ui/page';
import { useCategories } from '../../ui/use-categories';
import { useResource } from '../../ui/use-resource';
import { BackLink, PendingPage } from '../ui/detail-page';
import { LocationNotice } from '../ui/location-notice';
import { centsToUnits } from '../ui/money-input';
import { ArchiveProduct } from './archive-product';
import { ImageUpload } from './image-upload';
import { ProductForm } from './product-form';
import { StockAdjust } from './stock-adjust';

export function ProductEdit() {
  const id = useIdParam();
  return id === null ? <NotFound /> : <LoadProduct id={id} />;
}

function LoadProduct({ id }: { id: number }) {
  const { api } = useSession();
  const product = useResource(
    () => unwrap(api.GET('/api/products/{id}', { params: { path: { id } } })),
    ['product', id],
  );
  const categories = useCategories('afresh');
  if (product.state !== 'ready' || categories.state !== 'ready') {
    const failed = product.state === 'failed' || categories.state === 'failed';
    const retry = () => {
      product.reload();
      categories.reload();
    };
    return (
      <PendingPage
        title="Edit product"
        back={<Back />}
        loading="Loading the product…"
        failure={failed ? { error: product.error ?? categories.error, retry } : null}
      />
    );
  }
  return <EditLoaded key={product.data.id} initial={product.data} categories={categories.data} />;
}

const Back = () => <BackLink to="/admin/products">All products</BackLink>;

function EditLoaded({
  initial,
  categories,
}: {
  initial: Product;
  categories: Parameters<typeof ProductForm>[0]['categories'];
}) {
  const { api } = useSession();
  const [product, setProduct] = useState(initial);
  return (
    <Page title={`Edit ${product.name}`}>
      <Back />
      <LocationNotice />
      <div className="admin-columns">
        <section className="card">
          <h2>Details</h2>
          <ProductForm
            initial={{
              name: product.name,
              description: product.description,
              price: centsToUnits(product.price_cents, product.currency),
              categoryId: String(product.category_id),
              stock: String(product.stock),
            }}
            categories={categories}
            currency={product.currency}
            withStock={false}
            onSave={async ({ stock: _unused, ...changes }) => {
              setProduct(
                await unwrap(api.PATCH('/api/products/{id}', { params: { path: { id: product.id } }, body: changes })),
              );
              return 'Saved.';
            }}
          />
        </section>
        <div className="stack admin-side">
          <section className="card">
            <h2>Image</h2>
            <ImageUpload product={product} onUploaded={setProduct} />
          </section>
          <section className="card">
            <h2>Stock</h2>
            <StockAdjust product={product} onAdjusted={setProduct} />
          </section>
          <section className="card">
            <h2>Archive</h2>
            <ArchiveProduct product={product} />
          </section>
        </div>
      </div>
    </Page>
  );
}
