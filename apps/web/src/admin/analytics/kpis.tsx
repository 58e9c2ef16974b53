import { formatMoney } from '../../ui/money';
import { change } from './date-range';

export interface SalesTotals {
  orders: number;
  units: number;
  revenueCents: number;
  cancelledOrders: number;
}

/** A range's figures summed over its periods. */
export function totalsOf(
  items: ReadonlyArray<{ orders: number; units: number; revenue_cents: number; cancelled_orders: number }>,
): SalesTotals {
  return items.reduce(
    (sum, item) => ({
      orders: sum.orders + item.orders,
      units: sum.units + item.units,
      revenueCents: sum.revenueCents + item.revenue_cents,
      cancelledOrders: sum.cancelledOrders + item.cancelled_orders,
    }),
    { orders: 0, units: 0, revenueCents: 0, cancelledOrders: 0 },
  );
}

function average(totals: SalesTotals): number {
  return totals.orders === 0 ? 0 : Math.round(totals.revenueCents / totals.orders);
}

/** The range's key figures, each with how it moved against the range before. */
export function Kpis({
  currency,
  current,
  previous,
  customers,
}: {
  currency: string;
  current: SalesTotals;
  previous: SalesTotals;
  customers: { new_customers: number; returning_customers: number };
}) {
  const money = (cents: number) => formatMoney(cents, currency);
  return (
    <ul className="kpis">
      <Kpi
        label="Revenue"
        value={money(current.revenueCents)}
        change={change(current.revenueCents, previous.revenueCents)}
      />
      <Kpi label="Orders" value={String(current.orders)} change={change(current.orders, previous.orders)} />
      <Kpi label="Average order" value={money(average(current))} change={change(average(current), average(previous))} />
      <Kpi label="Units sold" value={String(current.units)} change={change(current.units, previous.units)} />
      <Kpi
        label="Cancelled orders"
        value={String(current.cancelledOrders)}
        change={change(current.cancelledOrders, previous.cancelledOrders)}
        lowerIsBetter
      />
      <Kpi
        label="Customers"
        value={String(customers.new_customers + customers.returning_customers)}
        detail={`${customers.new_customers} new, ${customers.returning_customers} returning`}
      />
    </ul>
  );
}

function Kpi({
  label,
  value,
  change,
  detail,
  lowerIsBetter = false,
}: {
  label: string;
  value: string;
  change?: number;
  detail?: string;
  lowerIsBetter?: boolean;
}) {
  const good = change !== undefined && change !== 0 && change > 0 !== lowerIsBetter;
  const tone = change === undefined || change === 0 ? 'flat' : good ? 'up' : 'down';
  return (
    <li className="card kpi">
      <span className="kpi-label">{label}</span>
      <strong className="kpi-value">{value}</strong>
      <span className={`kpi-change kpi-${tone}`}>
        {detail ??
          (change === undefined
            ? 'nothing to compare with'
            : `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change)} % on the period before`)}
      </span>
    </li>
  );
}
