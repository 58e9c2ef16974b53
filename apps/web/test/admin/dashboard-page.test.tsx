// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { renderAdmin } from './render-admin';

const DAY_MS = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

/** One item per day of the asked range, every day selling `orders` orders of two units at 10.00 each. */
function salesOf(from: string, to: string, orders: number) {
  const items = [];
  for (let time = Date.parse(from); time <= Date.parse(to); time += DAY_MS) {
    items.push({
      period: new Date(time).toISOString().slice(0, 10),
      orders,
      units: orders * 2,
      revenue_cents: orders * 1000,
      average_order_cents: orders ? 1000 : 0,
      cancelled_orders: 0,
    });
  }
  return { currency: 'EUR', items };
}

let api: FakeApi;
let salesFail: boolean;
beforeEach(async () => {
  salesFail = false;
  api = await startFakeApi({
    // This period sells 3 orders a day, the one before 2: +50 %.
    'GET /api/admin/analytics/sales': (request) => {
      if (salesFail) return problem(403, 'This needs the analytics:read scope.');
      const from = request.query.get('from') ?? '';
      const to = request.query.get('to') ?? '';
      return { body: salesOf(from, to, to === today() ? 3 : 2) };
    },
    'GET /api/admin/analytics/customers': () => ({ body: { new_customers: 4, returning_customers: 6 } }),
    'GET /api/admin/analytics/top-products': () => ({
      body: { items: [{ product_id: 7, name: 'Rye Bread', units: 42, revenue_cents: 10_500 }] },
    }),
    'POST /api/admin/analytics/refresh': () => ({ body: { applied_events: 3, watermark: 12 } }),
  });
});
afterEach(async () => {
  cleanup();
  await api.close();
});

/** A key figure's card, found by its label. */
const kpi = (label: string) =>
  screen
    .getAllByText(label)
    .find((element) => element.classList.contains('kpi-label'))
    ?.closest('li') as HTMLElement;

describe('admin analytics dashboard', () => {
  it('when opened, then it shows the last 30 days by day against the 30 days before, with the top products', async () => {
    renderAdmin('/admin/analytics', api.url);
    await screen.findByText('Average order');
    expect(within(kpi('Orders')).getByText('90')).toBeTruthy();
    expect(within(kpi('Orders')).getByText('+50 % on the period before')).toBeTruthy();
    expect(within(kpi('Revenue')).getByText(/900\.00/)).toBeTruthy();
    expect(within(kpi('Average order')).getByText('±0 % on the period before')).toBeTruthy();
    expect(within(kpi('Customers')).getByText('4 new, 6 returning')).toBeTruthy();
    expect(await screen.findByText('Rye Bread')).toBeTruthy();

    const [current, previous] = api.sent('GET /api/admin/analytics/sales');
    expect(current?.query.get('interval')).toBe('day');
    expect(current?.query.get('to')).toBe(today());
    const days = (request: typeof current) =>
      (Date.parse(request?.query.get('to') ?? '') - Date.parse(request?.query.get('from') ?? '')) / DAY_MS + 1;
    expect(days(current)).toBe(30);
    expect(days(previous)).toBe(30);
    expect(Date.parse(previous?.query.get('to') ?? '') + DAY_MS).toBe(Date.parse(current?.query.get('from') ?? ''));
  });

  it('when a year is chosen, then the sales come by week', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/analytics', api.url);
    await screen.findByText('Average order');
    await user.selectOptions(screen.getByLabelText('Period'), 'Last 365 days');
    await waitFor(() =>
      expect(
        api.sent('GET /api/admin/analytics/sales').some((request) => request.query.get('interval') === 'week'),
      ).toBe(true),
    );
  });

  it('when "Refresh now" is pressed, then the ETL runs and the figures load again', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/analytics', api.url);
    await screen.findByText('Average order');
    const before = api.sent('GET /api/admin/analytics/sales').length;
    await user.click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() => expect(api.sent('POST /api/admin/analytics/refresh')).toHaveLength(1));
    await waitFor(() => expect(api.sent('GET /api/admin/analytics/sales').length).toBeGreaterThan(before));
  });

  it('when the sales cannot be loaded, then it says why and offers to try again', async () => {
    salesFail = true;
    renderAdmin('/admin/analytics', api.url);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The sales could not be loaded');
    expect(alert.textContent).toContain('analytics:read');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
