import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { unwrap } from '../api/client';
import { useSession } from '../session/session';
import { Page } from '../ui/page';
import { useResource } from '../ui/use-resource';

/** Counted up to one page of 100; beyond that "100+" says enough on an overview. */
const COUNT_LIMIT = 100;

function useCount(load: (limit: number) => Promise<{ items: unknown[]; next_cursor: string | null }>, key: string) {
  const count = useResource(async () => {
    const page = await load(COUNT_LIMIT);
    return `${page.items.length}${page.next_cursor ? '+' : ''}`;
  }, [key]);
  return count.state === 'ready' ? count.data : count.state === 'failed' ? '?' : '…';
}

/** Where the shop owner starts: each section, with what waits there. */
export function Overview() {
  const { api } = useSession();
  const products = useCount((limit) => unwrap(api.GET('/api/products', { params: { query: { limit } } })), 'products');
  const categories = useCount(
    (limit) => unwrap(api.GET('/api/categories', { params: { query: { limit } } })),
    'categories',
  );
  const toShip = useCount(
    (limit) => unwrap(api.GET('/api/admin/orders', { params: { query: { limit, status: 'confirmed' } } })),
    'orders-to-ship',
  );
  const users = useCount((limit) => unwrap(api.GET('/api/account/users', { params: { query: { limit } } })), 'users');
  const failed = useCount(
    (limit) => unwrap(api.GET('/api/admin/emails', { params: { query: { limit, status: 'failed' } } })),
    'failed-emails',
  );
  return (
    <Page title="Admin">
      <p className="muted">
        Run the shop: its catalog, its orders, who may sign in, the mail it sends, and how it sells.
      </p>
      <ul className="admin-overview">
        <Section to="/admin/products" title="Products" figure={products} figureLabel="in the catalog">
          Add, edit, price and stock the catalog; upload images.
        </Section>
        <Section to="/admin/categories" title="Categories" figure={categories} figureLabel="categories">
          The aisles products are filed under.
        </Section>
        <Section to="/admin/orders" title="Orders" figure={toShip} figureLabel="to ship" highlight={toShip !== '0'}>
          Ship, deliver or cancel customers’ orders.
        </Section>
        <Section to="/admin/users" title="Users" figure={users} figureLabel="accounts">
          Roles and access: make admins, deactivate accounts.
        </Section>
        <Section
          to="/admin/emails"
          title="E-mails"
          figure={failed}
          figureLabel="failed"
          highlight={failed !== '0' && failed !== '…'}
          highlightTone="danger"
        >
          What the shop sent, what failed, and retry.
        </Section>
        <Section to="/admin/analytics" title="Analytics">
          Sales, best sellers and customers over time, against the period before.
        </Section>
      </ul>
    </Page>
  );
}

function Section({
  to,
  title,
  figure,
  figureLabel,
  highlight = false,
  highlightTone = 'warn',
  children,
}: {
  to: string;
  title: string;
  figure?: string;
  figureLabel?: string;
  highlight?: boolean;
  highlightTone?: 'warn' | 'danger';
  children: ReactNode;
}) {
  return (
    <li className="card admin-overview-card">
      <h2>
        <Link to={to}>{title}</Link>
      </h2>
      <p className="muted">{children}</p>
      {figure !== undefined && (
        <p className={highlight ? `admin-figure-line admin-figure-${highlightTone}` : 'admin-figure-line'}>
          <strong className="admin-count">{figure}</strong> {figureLabel}
        </p>
      )}
    </li>
  );
}
