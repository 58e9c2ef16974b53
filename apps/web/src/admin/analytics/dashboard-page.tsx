import { lazy, Suspense, useState } from 'react';
import { unwrap } from '../../api/client';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { formatMoney } from '../../ui/money';
import { Page } from '../../ui/page';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { AdminTable } from '../ui/admin-table';
import { Filters } from '../ui/filters';
import { type DayRange, intervalFor, lastDays, previousRange } from './date-range';
import { Kpis, type SalesTotals, totalsOf } from './kpis';
import { StockOuts, useStockOuts } from './stock-outs';

/** uPlot and its styles load only when the dashboard draws its first chart. */
const SalesChart = lazy(() => import('./sales-chart'));

const RANGES = [7, 30, 90, 365] as const;
const TOP_PRODUCTS = 10;

/**
 * Sales over a range of days next to the range before it, the best sellers, who bought, and
 * the products forecast to run out of stock within the week.
 */
export function DashboardPage() {
  const { api } = useSession();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const range = lastDays(days, new Date());
  const interval = intervalFor(range);

  const sales = (of: DayRange) =>
    unwrap(api.GET('/api/admin/analytics/sales', { params: { query: { ...of, interval } } }));
  const figures = useResource(async () => {
    const [current, previous, customers] = await Promise.all([
      sales(range),
      sales(previousRange(range)),
      unwrap(api.GET('/api/admin/analytics/customers', { params: { query: range } })),
    ]);
    return { current, previous, customers };
  }, [range.from, range.to, interval]);
  const top = useResource(
    () =>
      unwrap(api.GET('/api/admin/analytics/top-products', { params: { query: { ...range, limit: TOP_PRODUCTS } } })),
    [range.from, range.to],
  );
  const stockOuts = useStockOuts();

  const [refreshing, setRefreshing] = useState(false);
  const refresh = async () => {
    setRefreshing(true);
    try {
      await unwrap(api.POST('/api/admin/analytics/refresh'));
    } finally {
      setRefreshing(false);
      figures.reload();
      top.reload();
      stockOuts.reload();
    }
  };

  return (
    <Page
      title="Dashboard"
      actions={
        <button type="button" className="button" onClick={refresh} disabled={refreshing}>
          {refreshing ? 'Refreshing…' : 'Refresh now'}
        </button>
      }
    >
      <p className="muted">
        Placed orders, cancelled ones left out, by day in UTC. New orders show within a minute; “Refresh now” takes them
        in at once.
      </p>
      <Filters>
        <Field id="dashboard-range" label="Period">
          {(control) => (
            <select
              {...control}
              value={days}
              onChange={(event) => setDays(Number(event.target.value) as (typeof RANGES)[number])}
            >
              {RANGES.map((option) => (
                <option key={option} value={option}>
                  Last {option} days
                </option>
              ))}
            </select>
          )}
        </Field>
      </Filters>
      {figures.state === 'failed' ? (
        <ErrorState error={figures.error} retry={figures.reload} title="The sales could not be loaded" />
      ) : !figures.data ? (
        <Loading label="Loading the sales…" />
      ) : (
        <SalesSection {...figures.data} />
      )}
      <h2>Top products</h2>
      {top.state === 'failed' ? (
        <ErrorState error={top.error} retry={top.reload} title="The top products could not be loaded" />
      ) : !top.data ? (
        <Loading label="Loading the top products…" />
      ) : top.data.items.length === 0 ? (
        <Empty>
          <p>Nothing was sold in this period.</p>
        </Empty>
      ) : (
        <AdminTable
          caption="Top products"
          columns={
            <>
              <th scope="col">Product</th>
              <th scope="col" className="numeric">
                Units
              </th>
              <th scope="col" className="numeric">
                Revenue
              </th>
            </>
          }
        >
          {top.data.items.map((item) => (
            <tr key={item.product_id}>
              <td>
                {item.name} <span className="muted">#{item.product_id}</span>
              </td>
              <td className="numeric">{item.units}</td>
              <td className="numeric">{formatMoney(item.revenue_cents, figures.data?.current.currency ?? 'EUR')}</td>
            </tr>
          ))}
        </AdminTable>
      )}
      <StockOuts stockOuts={stockOuts} />
    </Page>
  );
}

interface SalesPeriod {
  period: string;
  orders: number;
  units: number;
  revenue_cents: number;
  average_order_cents: number;
  cancelled_orders: number;
}

function SalesSection({
  current,
  previous,
  customers,
}: {
  current: { currency: string; items: SalesPeriod[] };
  previous: { items: SalesPeriod[] };
  customers: { new_customers: number; returning_customers: number };
}) {
  const totals: SalesTotals = totalsOf(current.items);
  return (
    <>
      <Kpis currency={current.currency} current={totals} previous={totalsOf(previous.items)} customers={customers} />
      <h2>Revenue and orders</h2>
      {totals.orders === 0 && totals.cancelledOrders === 0 ? (
        <Empty>
          <p>No order was placed in this period.</p>
        </Empty>
      ) : (
        <Suspense fallback={<Loading label="Drawing the chart…" />}>
          <SalesChart points={current.items} currency={current.currency} />
        </Suspense>
      )}
      <details className="sales-table">
        <summary>The figures as a table</summary>
        <AdminTable
          caption="Sales by period"
          columns={
            <>
              <th scope="col">Period from</th>
              <th scope="col" className="numeric">
                Orders
              </th>
              <th scope="col" className="numeric">
                Units
              </th>
              <th scope="col" className="numeric">
                Revenue
              </th>
              <th scope="col" className="numeric">
                Cancelled
              </th>
            </>
          }
        >
          {current.items.map((item) => (
            <tr key={item.period}>
              <td>{item.period}</td>
              <td className="numeric">{item.orders}</td>
              <td className="numeric">{item.units}</td>
              <td className="numeric">{formatMoney(item.revenue_cents, current.currency)}</td>
              <td className="numeric">{item.cancelled_orders}</td>
            </tr>
          ))}
        </AdminTable>
      </details>
    </>
  );
}
