import { lazy, Suspense, useState } from 'react';
import { unwrap } from '../../api/client';
import type { ResponseBody } from '../../api/types';
import { useSession } from '../../session/session';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { type Resource, useResource } from '../../ui/use-resource';
import { AdminTable } from '../ui/admin-table';
import { formatUnits } from './units';

/** uPlot again, from the chunk the sales chart already fetched. */
const ForecastChart = lazy(() => import('./forecast-chart'));

/** The days ahead the section looks at, today first. */
export const STOCK_OUT_DAYS = 7;
const COLUMNS = 4;

type StockOutList = ResponseBody<'/api/admin/analytics/stock-outs', 'get'>;
type StockOut = StockOutList['items'][number];
type Forecast = ResponseBody<'/api/admin/analytics/forecast', 'get'>;

/** The products forecast to sell more than their stock within the days ahead, as the page loads them. */
export function useStockOuts() {
  const { api } = useSession();
  return useResource(
    () => unwrap(api.GET('/api/admin/analytics/stock-outs', { params: { query: { days: STOCK_OUT_DAYS } } })),
    [STOCK_OUT_DAYS],
  );
}

/** How a forecast was made and how far off its method was on the last two weeks it could check. */
export function describeForecast(forecast: Pick<Forecast, 'method' | 'backtest_wape'>): string {
  const method = forecast.method === 'mstl_ets' ? 'MSTL + AutoETS' : 'seasonal average';
  const error =
    forecast.backtest_wape === null
      ? 'no backtest yet'
      : `backtest error ${Math.round(forecast.backtest_wape * 100)} %`;
  return `${method}, ${error}`;
}

/** When the stock runs out at the forecast pace: 0 is by the end of today. */
function runsOut(days: number): string {
  return days === 0 ? 'Today' : days === 1 ? 'Tomorrow' : `In ${days} days`;
}

/** The "Low stock ahead" section: the most urgent first, each with its forecast to open. */
export function StockOuts({ stockOuts }: { stockOuts: Resource<StockOutList> }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section className="stock-outs" aria-labelledby="stock-outs-heading">
      <h2 id="stock-outs-heading">Low stock ahead</h2>
      <p className="muted">
        Products whose forecast sales over the next {STOCK_OUT_DAYS} days, today first, add up to more than their stock
        now. Forecasts are made once a day from the sales up to yesterday; the range is their 80 % interval.
      </p>
      {stockOuts.state === 'failed' ? (
        <ErrorState error={stockOuts.error} retry={stockOuts.reload} title="The stock forecast could not be loaded" />
      ) : !stockOuts.data ? (
        <Loading label="Loading the stock forecast…" />
      ) : stockOuts.data.items.length === 0 ? (
        <Empty>
          <p>No product is forecast to run out in the next {stockOuts.data.days} days.</p>
        </Empty>
      ) : (
        <AdminTable
          caption={`Products forecast to run out in the next ${stockOuts.data.days} days, most urgent first`}
          columns={
            <>
              <th scope="col">Product</th>
              <th scope="col">Runs out</th>
              <th scope="col" className="numeric">
                Stock
              </th>
              <th scope="col" className="numeric">
                {`Forecast, ${stockOuts.data.days}\u00a0days`}
              </th>
            </>
          }
        >
          {stockOuts.data.items.map((item) => (
            <StockOutRow
              key={item.product_id}
              item={item}
              expanded={open.has(item.product_id)}
              onToggle={() => toggle(item.product_id)}
            />
          ))}
        </AdminTable>
      )}
    </section>
  );
}

function StockOutRow({ item, expanded, onToggle }: { item: StockOut; expanded: boolean; onToggle(): void }) {
  const forecastId = `stock-out-${item.product_id}-forecast`;
  return (
    <>
      <tr>
        <th scope="row">
          <span className="admin-break">{item.name}</span> <span className="muted">#{item.product_id}</span>
          <br />
          <button
            type="button"
            className="link-button admin-disclosure"
            aria-expanded={expanded}
            aria-controls={expanded ? forecastId : undefined}
            onClick={onToggle}
          >
            {expanded ? 'Hide forecast' : 'Show forecast'}
            <span className="visually-hidden"> of {item.name}</span>
          </button>
        </th>
        <td>
          <span className={`badge ${item.days_of_stock <= 1 ? 'badge-danger' : 'badge-warn'}`}>
            {runsOut(item.days_of_stock)}
          </span>
        </td>
        <td className="numeric">{item.stock}</td>
        <td className="numeric">
          {formatUnits(item.forecast_units)}
          <span className="stock-out-interval muted">
            {' '}
            ({formatUnits(item.lower_units)}–{formatUnits(item.upper_units)})
          </span>
        </td>
      </tr>
      {expanded && (
        <tr id={forecastId} className="admin-row-detail">
          <td colSpan={COLUMNS}>
            <ForecastPanel productId={item.product_id} name={item.name} />
          </td>
        </tr>
      )}
    </>
  );
}

/** One product's 14-day forecast: how it was made, the chart, and its points for screen readers. */
function ForecastPanel({ productId, name }: { productId: number; name: string }) {
  const { api } = useSession();
  const forecast = useResource(
    () => unwrap(api.GET('/api/admin/analytics/forecast', { params: { query: { product_id: productId } } })),
    [productId],
  );
  return (
    <div className="forecast-panel">
      {forecast.state === 'failed' ? (
        <ErrorState error={forecast.error} retry={forecast.reload} title="The forecast could not be loaded" />
      ) : !forecast.data ? (
        <Loading label="Loading the forecast…" />
      ) : (
        <>
          <p className="forecast-method">
            <strong>
              {forecast.data.points.length}-day forecast from {forecast.data.made_on}.
            </strong>{' '}
            Method: {describeForecast(forecast.data)}.
          </p>
          {forecast.data.backtest_wape !== null && (
            <p className="forecast-method muted">
              The backtest error is how far off the method was on the last 14 days of sales, forecast without them.
            </p>
          )}
          <Suspense fallback={<Loading label="Drawing the forecast…" />}>
            <ForecastChart points={forecast.data.points} />
          </Suspense>
          {/* A table is never narrower than its content: the hidden box around it clips it instead. */}
          <div className="visually-hidden">
            <table>
              <caption>Forecast units per day of {name}, with the 80 % interval</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Forecast units</th>
                  <th scope="col">Lower end</th>
                  <th scope="col">Upper end</th>
                </tr>
              </thead>
              <tbody>
                {forecast.data.points.map((point) => (
                  <tr key={point.date}>
                    <th scope="row">{point.date}</th>
                    <td>{formatUnits(point.units)}</td>
                    <td>{formatUnits(point.lower)}</td>
                    <td>{formatUnits(point.upper)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
