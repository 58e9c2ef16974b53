import { Route } from 'react-router';
import { RequireSignIn } from '../ui/guards';
import { SignInPage } from './account/signin-page';
import { SignUpPage } from './account/signup-page';
import { CartPage } from './cart/cart-page';
import { CatalogPage } from './catalog/catalog-page';
import { CheckoutPage } from './checkout/checkout-page';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { ProductPage } from './product/product-page';

/** The storefront's pages; the cart, checkout and orders are the signed-in customer's own. */
export function storefrontRoutes() {
  return [
    <Route key="catalog" path="/" element={<CatalogPage />} />,
    <Route key="product" path="/products/:id" element={<ProductPage />} />,
    <Route key="signin" path="/signin" element={<SignInPage />} />,
    <Route key="signup" path="/signup" element={<SignUpPage />} />,
    <Route
      key="cart"
      path="/cart"
      element={
        <RequireSignIn>
          <CartPage />
        </RequireSignIn>
      }
    />,
    <Route
      key="checkout"
      path="/checkout"
      element={
        <RequireSignIn>
          <CheckoutPage />
        </RequireSignIn>
      }
    />,
    <Route
      key="orders"
      path="/orders"
      element={
        <RequireSignIn>
          <OrdersPage />
        </RequireSignIn>
      }
    />,
    <Route
      key="order"
      path="/orders/:id"
      element={
        <RequireSignIn>
          <OrderPage />
        </RequireSignIn>
      }
    />,
  ];
}
