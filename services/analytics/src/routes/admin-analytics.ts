import type { HttpApp } from '@shop/platform';
import type { AnalyticsContext } from '../context.ts';
import { FORECAST_HORIZON_DAYS, productForecast, stockOuts } from '../domain/forecasts.ts';
import { alsoBought, customerCounts, etlStatus, salesReport, topProducts } from '../domain/reports.ts';
import {
  AlsoBought,
  AlsoBoughtQuery,
  Customers,
  CustomersQuery,
  EtlStatus,
  Forecast,
  ForecastQuery,
  Problem,
  RefreshResult,
  SalesQuery,
  SalesReport,
  StockOuts,
  StockOutsQuery,
  security,
  TopProducts,
  TopProductsQuery,
} from './schemas.ts';

const tags = ['analytics'];
const errors = { 400: Problem, 401: Problem, 403: Problem };
const SCOPE = 'analytics:read';

export function adminAnalyticsRoutes(app: HttpApp, ctx: AnalyticsContext): void {
  const onRequest = ctx.auth.require(SCOPE);

  app.get(
    '/api/admin/analytics/sales',
    {
      schema: {
        tags,
        security,
        summary: 'Orders, units and revenue per day, week or month of a range',
        querystring: SalesQuery,
        response: { 200: SalesReport, ...errors },
      },
      onRequest,
    },
    async (request) => {
      const report = await salesReport(request.query, ctx.reports);
      return {
        currency: report.currency,
        items: report.items.map((item) => ({
          period: item.period,
          orders: item.orders,
          units: item.units,
          revenue_cents: item.revenueCents,
          average_order_cents: item.averageOrderCents,
          cancelled_orders: item.cancelledOrders,
        })),
      };
    },
  );

  app.get(
    '/api/admin/analytics/top-products',
    {
      schema: {
        tags,
        security,
        summary: 'Best-selling products of a range',
        querystring: TopProductsQuery,
        response: { 200: TopProducts, ...errors },
      },
      onRequest,
    },
    async (request) => {
      const products = await topProducts(request.query, ctx.reports);
      return {
        items: products.map((product) => ({
          product_id: product.productId,
          name: product.name,
          units: product.units,
          revenue_cents: product.revenueCents,
        })),
      };
    },
  );

  app.get(
    '/api/admin/analytics/customers',
    {
      schema: {
        tags,
        security,
        summary: 'New and returning customers of a range',
        querystring: CustomersQuery,
        response: { 200: Customers, ...errors },
      },
      onRequest,
    },
    async (request) => {
      const counts = await customerCounts(request.query, ctx.reports);
      return { new_customers: counts.newCustomers, returning_customers: counts.returningCustomers };
    },
  );

  app.get(
    '/api/admin/analytics/also-bought',
    {
      schema: {
        tags,
        security,
        summary: 'Products bought in the same orders as a product',
        querystring: AlsoBoughtQuery,
        response: { 200: AlsoBought, ...errors },
      },
      onRequest,
    },
    async (request) => {
      const items = await alsoBought(request.query.product_id, request.query.limit, ctx.reports);
      return { items: items.map((item) => ({ product_id: item.productId, name: item.name, score: item.score })) };
    },
  );

  app.get(
    '/api/admin/analytics/forecast',
    {
      schema: {
        tags,
        security,
        summary: 'A product’s demand forecast: units per day for the next 14 days, with an 80 % interval',
        description:
          'Made once a day (UTC) for every product sold in the last 365 days, from its daily sales up to the day before. 404 when no sale of the product is recorded, or its forecast is still to be made.',
        querystring: ForecastQuery,
        response: { 200: Forecast, ...errors, 404: Problem },
      },
      onRequest,
    },
    async (request) => {
      const forecast = await productForecast(request.query.product_id, ctx.forecasts);
      return {
        product_id: forecast.productId,
        horizon_days: forecast.points.length,
        method: forecast.method,
        backtest_wape: forecast.backtestWape,
        made_on: forecast.madeOn,
        points: forecast.points,
      };
    },
  );

  app.get(
    '/api/admin/analytics/stock-outs',
    {
      schema: {
        tags,
        security,
        summary: 'Products whose forecast demand over the next days is more than their stock now',
        description: `Stock is read now from the product service; 503 when it cannot be reached. days: 1 to ${FORECAST_HORIZON_DAYS}.`,
        querystring: StockOutsQuery,
        response: { 200: StockOuts, ...errors, 503: Problem },
      },
      onRequest,
    },
    async (request) => {
      const items = await stockOuts(request.query.days, ctx.forecasts);
      return {
        days: request.query.days,
        items: items.map((item) => ({
          product_id: item.productId,
          name: item.name,
          stock: item.stock,
          forecast_units: item.forecastUnits,
          lower_units: item.lowerUnits,
          upper_units: item.upperUnits,
          days_of_stock: item.daysOfStock,
        })),
      };
    },
  );

  app.post(
    '/api/admin/analytics/refresh',
    {
      schema: {
        tags,
        security,
        summary: 'Bring the figures up to date with every event received so far',
        response: { 200: RefreshResult, 401: Problem, 403: Problem },
      },
      onRequest,
    },
    async () => {
      const result = await ctx.refresh();
      return { applied_events: result.appliedEvents, watermark: result.watermark };
    },
  );

  app.get(
    '/api/admin/analytics/status',
    {
      schema: {
        tags,
        security,
        summary: 'How far the figures are behind the event log',
        response: { 200: EtlStatus, 401: Problem, 403: Problem },
      },
      onRequest,
    },
    async () => {
      const status = await etlStatus(ctx.reports);
      return {
        events: status.events,
        watermark: status.watermark,
        last_run_at: status.lastRunAt?.toISOString() ?? null,
        pending_events: status.pendingEvents,
      };
    },
  );
}
