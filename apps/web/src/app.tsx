import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { SessionProvider } from './session/session';
import { CartProvider } from './storefront/cart/cart-context';
import { storefrontRoutes } from './storefront/routes';
import { PageErrors } from './ui/error-boundary';
import { RequireAdmin } from './ui/guards';
import { Layout } from './ui/layout';
import { NotFound } from './ui/not-found';
import { Loading } from './ui/states';

const AdminApp = lazy(() => import('./admin/admin-app'));

export function App() {
  return (
    <SessionProvider>
      <CartProvider>
        <BrowserRouter>
          <Layout>
            <PageErrors>
              <Routes>
                {storefrontRoutes()}
                <Route
                  path="/admin/*"
                  element={
                    <RequireAdmin>
                      <Suspense fallback={<Loading label="Loading the admin…" />}>
                        <AdminApp />
                      </Suspense>
                    </RequireAdmin>
                  }
                />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </PageErrors>
          </Layout>
        </BrowserRouter>
      </CartProvider>
    </SessionProvider>
  );
}
