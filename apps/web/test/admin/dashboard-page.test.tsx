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

/** As the API sends them: most urgent first. */
const STOCK_OUTS = [
  {
    product_id: 12,
    name: 'Oat Milk 1 l',
    stock: 2,
    forecast_units: 12.46,
    lower_units: 8.13,
    upper_units: 16.94,
    days_of_stock: 0,
  },
  {
    product_id: 3,
    name: 'Espresso Beans 250 g',
    stock: 5,
    forecast_units: 9,
    lower_units: 6.5,
    upper_units: 11.25,
    days_of_stock: 1,
  },
  {
    product_id: 40,
    name: 'Sourdough Loaf',
    stock: 20,
    forecast_units: 23.2,
    lower_units: 15,
    upper_units: 31.77,
    days_of_stock: 4,
  },
];

/** 14 days from today, `units` a day within ±2. */
function forecastOf(productId: number, method: 'mstl_ets' | 'seasonal_average', wape: number | null, units: number) {
  const points = Array.from({ length: 14 }, (_, day) => ({
    date: new Date(Date.now() + day * DAY_MS).toISOString().slice(0, 10),
    units: units + (day % 7) / 10,
    lower: Math.max(0, units - 2),
    upper: units + 2.5,
  }));
  return { product_id: productId, horizon_days: 14, method, backtest_wape: wape, made_on: today(), points };
}

const FORECASTS: Record<number, ReturnType<typeof forecastOf>> = {
  12: forecastOf(12, 'mstl_ets', 0.1812, 1.78),
  3: forecastOf(3, 'seasonal_average', null, 1.29),
};

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
    'GET /api/admin/analytics/stock-outs': () => ({ body: { days: 7, items: STOCK_OUTS } }),
    'GET /api/admin/analytics/forecast': (request) => {
      const id = Number(request.query.get('product_id'));
      const forecast = FORECASTS[id];
      return forecast ? { body: forecast } : problem(404, `No sales are recorded for product ${id}.`);
    },
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
    // Stock moves with every order: the stock-outs are read again too.
    await waitFor(() => expect(api.sent('GET /api/admin/analytics/stock-outs')).toHaveLength(2));
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

describe('admin analytics dashboard: low stock ahead', () => {
  const section = () => screen.getByRole('region', { name: 'Low stock ahead' });

  it('when products are forecast to run out within 7 days, then it lists them as the API ranks them', async () => {
    renderAdmin('/admin/analytics', api.url);
    await within(await screen.findByRole('region', { name: 'Low stock ahead' })).findByText('Oat Milk 1 l');
    expect(api.sent('GET /api/admin/analytics/stock-outs').map((request) => request.query.get('days'))).toEqual(['7']);
    const table = within(section()).getByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Product', 'Runs out', 'Stock', 'Forecast, 7\u00a0days']);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => {
        const [product, ...cells] = [...row.querySelectorAll('th, td')];
        const button = product && within(product as HTMLElement).getByRole('button');
        return [product?.firstChild?.textContent, button?.textContent, ...cells.map((cell) => cell.textContent)];
      });
    expect(rows).toEqual([
      ['Oat Milk 1 l', 'Show forecast of Oat Milk 1 l', 'Today', '2', '12.5 (8.1–16.9)'],
      ['Espresso Beans 250 g', 'Show forecast of Espresso Beans 250 g', 'Tomorrow', '5', '9 (6.5–11.3)'],
      ['Sourdough Loaf', 'Show forecast of Sourdough Loaf', 'In 4 days', '20', '23.2 (15–31.8)'],
    ]);
  });

  it('when no product is forecast to run out, then it says so', async () => {
    api.routes['GET /api/admin/analytics/stock-outs'] = () => ({ body: { days: 7, items: [] } });
    renderAdmin('/admin/analytics', api.url);
    expect(
      await within(await screen.findByRole('region', { name: 'Low stock ahead' })).findByText(
        'No product is forecast to run out in the next 7 days.',
      ),
    ).toBeTruthy();
    expect(within(section()).queryByRole('table')).toBeNull();
  });

  it('when the product service is down (503), then it says why, and "Try again" loads the list', async () => {
    const user = userEvent.setup();
    let down = true;
    api.routes['GET /api/admin/analytics/stock-outs'] = () =>
      down
        ? { ...problem(503, 'The product service answered 502 to product 12.'), headers: { 'retry-after': '5' } }
        : { body: { days: 7, items: STOCK_OUTS } };
    renderAdmin('/admin/analytics', api.url);
    const alert = await within(await screen.findByRole('region', { name: 'Low stock ahead' })).findByRole('alert');
    expect(alert.textContent).toContain('The stock forecast could not be loaded.');
    expect(alert.textContent).toContain('The product service answered 502 to product 12.');
    expect(within(section()).queryByRole('table')).toBeNull();

    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await within(section()).findByText('Sourdough Loaf')).toBeTruthy();
    expect(within(section()).queryByRole('alert')).toBeNull();
    expect(api.sent('GET /api/admin/analytics/stock-outs')).toHaveLength(2);
  });

  it('when "Show forecast" is pressed, then that product\'s forecast loads with its method, error and points', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/analytics', api.url);
    const region = await screen.findByRole('region', { name: 'Low stock ahead' });
    const button = await within(region).findByRole('button', { name: 'Show forecast of Oat Milk 1 l' });
    expect(api.sent('GET /api/admin/analytics/forecast')).toHaveLength(0);

    await user.click(button);
    expect(await within(region).findByText(/Method: MSTL \+ AutoETS, backtest error 18 %\./)).toBeTruthy();
    expect(api.sent('GET /api/admin/analytics/forecast').map((request) => request.query.get('product_id'))).toEqual([
      '12',
    ]);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.textContent).toContain('Hide forecast');
    const panel = document.getElementById(button.getAttribute('aria-controls') ?? '') as HTMLElement;
    expect(within(panel).getByText(new RegExp(`14-day forecast from ${today()}`))).toBeTruthy();
    // The points, for screen readers: a header row and one row a day, the first as sent.
    const points = within(panel).getByRole('table', {
      name: 'Forecast units per day of Oat Milk 1 l, with the 80 % interval',
    });
    const pointRows = within(points).getAllByRole('row');
    expect(pointRows).toHaveLength(15);
    expect([...(pointRows[1]?.querySelectorAll('th, td') ?? [])].map((cell) => cell.textContent)).toEqual([
      today(),
      '1.8',
      '0',
      '4.3',
    ]);
    // The chart comes from its own chunk.
    await waitFor(() => expect(panel.querySelector('.forecast-chart')).not.toBeNull());

    await user.click(within(region).getByRole('button', { name: 'Show forecast of Espresso Beans 250 g' }));
    expect(await within(region).findByText(/Method: seasonal average, no backtest yet\./)).toBeTruthy();
    expect(api.sent('GET /api/admin/analytics/forecast').map((request) => request.query.get('product_id'))).toEqual([
      '12',
      '3',
    ]);

    await user.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(within(region).queryByText(/MSTL \+ AutoETS/)).toBeNull();
  });

  it('when a forecast cannot be loaded, then its panel says why', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/analytics', api.url);
    const region = await screen.findByRole('region', { name: 'Low stock ahead' });
    await user.click(await within(region).findByRole('button', { name: 'Show forecast of Sourdough Loaf' }));
    const alert = await within(region).findByRole('alert');
    expect(alert.textContent).toContain('The forecast could not be loaded.');
    expect(alert.textContent).toContain('No sales are recorded for product 40.');
  });
});
