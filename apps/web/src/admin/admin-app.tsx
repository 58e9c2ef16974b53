import { Route, Routes } from 'react-router';
import { NotFound } from '../ui/not-found';
import { DashboardPage } from './analytics/dashboard-page';
import { CategoriesPage } from './categories/categories-page';
import { EmailDetail } from './emails/email-detail';
import { EmailsPage } from './emails/emails-page';
import { OrdersPage } from './orders/orders-page';
import { Overview } from './overview';
import { ProductEdit } from './products/product-edit';
import { ProductList } from './products/product-list';
import { ProductNew } from './products/product-new';
import { AdminSection } from './ui/admin-nav';
import { UsersPage } from './users/users-page';

/** The admin, loaded on its own (a separate bundle) when an admin opens /admin. */
export default function AdminApp() {
  return (
    <div className="admin">
      <Routes>
        <Route index element={<Overview />} />
        <Route element={<AdminSection />}>
          <Route path="products" element={<ProductList />} />
          <Route path="products/new" element={<ProductNew />} />
          <Route path="products/:id" element={<ProductEdit />} />
          <Route path="categories" element={<CategoriesPage />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="emails" element={<EmailsPage />} />
          <Route path="emails/:id" element={<EmailDetail />} />
          <Route path="analytics" element={<DashboardPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </div>
  );
}
