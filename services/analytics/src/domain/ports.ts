import type { EtlFacts } from './facts.ts';

/** An event as it arrived on the bus, to be kept in the log. */
export interface IncomingEvent {
  /** The CloudEvent id: the log keeps one row per id. */
  id: string;
  type: string;
  source: string;
  /** When it happened, as the publisher says; null when it did not say. */
  time: Date | null;
  data: unknown;
}

/** The append-only log of every event the shop publishes. */
export interface EventLog {
  /** Keeps the event unless one with its id is kept already; true when it was new. */
  append(event: IncomingEvent): Promise<boolean>;
  /** Keeps each event unless one with its id is kept already, in bulk; how many were new. */
  appendMany(events: readonly IncomingEvent[]): Promise<number>;
  /** Whether the log holds an event whose type starts with `prefix` (`order.`). */
  holdsType(prefix: string): Promise<boolean>;
}

/** An event read back from the log for the ETL, in arrival order. */
export interface LoggedEvent {
  sequence: number;
  id: string;
  type: string;
  /** The publisher's time, or when the log received the event when the publisher gave none. */
  time: Date;
  data: unknown;
}

/**
 * The event log as an OLAP store outside its database reads it (DuckDB, ClickHouse): a
 * batch past the store's watermark, with the log held still while the store takes it in.
 */
export interface EventLogReader {
  /**
   * Holds the log, asks `start` where the store stands (its watermark, read while held),
   * then runs `step` with up to `limit` events logged past it, in sequence order. Until
   * `step` is over, no event can commit below the last of them (sequences are taken at
   * insert but committed in any order), so a watermark moved past them misses none; and
   * no other reader holds the log, so two processes never take in the same batch.
   */
  readPast<T>(
    limit: number,
    /** Where the store stands; `held` reads the log inside the hold (PGlite has one connection). */
    start: (held: Pick<EventLogReader, 'idAt'>) => Promise<number>,
    step: (events: LoggedEvent[], after: number) => Promise<T>,
  ): Promise<T>;
  /** Events in the log, and those of them past `watermark`. */
  count(watermark: number): Promise<{ events: number; past: number }>;
  /**
   * The id of the event logged at `sequence`, or null: a store kept apart from the log
   * checks with it that the log is still the one its watermark counts in (not a new,
   * emptied database whose sequences start over).
   */
  idAt(sequence: number): Promise<string | null>;
}

/**
 * A fault a test injects into an ETL step: called after the step's facts and rollups are
 * written, right before its watermark moves, where a dying process would do most harm.
 */
export type BeforeWatermark = () => void | Promise<void>;

/** What one ETL step did. */
export interface EtlStep {
  /** Events taken in: every one read past the watermark, whether it made a fact or not. */
  applied: number;
  /** The sequence of the last event applied, after this step. */
  watermark: number;
}

/** Inclusive range of UTC days, each YYYY-MM-DD. */
export interface DayRange {
  from: string;
  to: string;
}

export interface DailySales {
  /** YYYY-MM-DD */
  day: string;
  /** Orders placed that day that stand (not cancelled), their units and revenue. */
  orders: number;
  units: number;
  revenueCents: number;
  /** Orders placed that day that were cancelled since. */
  cancelledOrders: number;
}

export interface ProductSales {
  productId: number;
  /** The name on the product's latest order line. */
  name: string;
  units: number;
  revenueCents: number;
}

export interface CustomerCounts {
  /** Customers whose first order that stands is in the range. */
  newCustomers: number;
  /** Customers with an order that stands in the range and one before it. */
  returningCustomers: number;
}

export interface BoughtTogether {
  /** Orders that stand holding the product asked about. */
  baseOrders: number;
  /** Other products in those orders, with how many of them hold each: most first, then by product id. */
  items: Array<{ productId: number; name: string; orders: number }>;
}

export interface EtlStatus {
  /** Events in the log. */
  events: number;
  watermark: number;
  /** When the ETL last ran; null before its first run. */
  lastRunAt: Date | null;
  /** Events in the log past the watermark: logged, not yet in the rollups. */
  pendingEvents: number;
}

/**
 * The OLAP store: the facts and rollups the reports read, kept up to date from the event
 * log. Adapters: PostgreSQL (and PGlite) rollups beside the log; DuckDB (a file) and
 * ClickHouse, which read the log through an EventLogReader. Every adapter passes one
 * contract suite (test/olap/analytics-store.contract.test.ts).
 */
export interface AnalyticsStore {
  /**
   * One ETL step, all or nothing: reads up to `limit` events past the watermark in
   * sequence order (none logged before them is still to commit), turns them into facts with
   * `toFacts`, adds the facts not yet held, rebuilds the rollups of every day they touch
   * and moves the watermark past them. Repeating a step, or a step that failed, never
   * counts an event twice.
   */
  applyNext(limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep>;
  status(): Promise<EtlStatus>;
  /** The days of `range` that have orders, in date order, and the currency of the range's latest order (null: none). */
  dailySales(range: DayRange): Promise<{ currency: string | null; days: DailySales[] }>;
  /** Best sellers of the range: by units, then revenue (both descending), then product id. */
  topProducts(range: DayRange, limit: number): Promise<ProductSales[]>;
  customers(range: DayRange): Promise<CustomerCounts>;
  boughtWith(productId: number, limit: number): Promise<BoughtTogether>;
  /** The units each product sold per day of `range` (days without sales left out), by product then day. */
  dailyUnits(range: DayRange): Promise<ProductDayUnits[]>;
  /** Whether any sale of the product (an order that stands) is in the facts. */
  hasSales(productId: number): Promise<boolean>;
  /** Lets go of what the store holds open (a file, a connection pool); the database's own are the service's. */
  close(): Promise<void>;
}

/** How a forecast was made: the model (MSTL + AutoETS) or, for a short history, the seasonal average. */
export type ForecastMethod = 'mstl_ets' | 'seasonal_average';

/** One day of a forecast: expected units and the interval around them. */
export interface ForecastPoint {
  /** YYYY-MM-DD (UTC) */
  date: string;
  units: number;
  lower: number;
  upper: number;
}

/** A product's demand forecast as stored: one point per day from `madeOn` on. */
export interface ProductForecast {
  productId: number;
  /** The UTC day it was made (YYYY-MM-DD), the date of its first point. */
  madeOn: string;
  method: ForecastMethod;
  /** The method's weighted absolute percentage error on held-back days; null when not measurable. */
  backtestWape: number | null;
  points: ForecastPoint[];
}

/** A product's units sold (orders that stand) on one UTC day. */
export interface ProductDayUnits {
  productId: number;
  /** YYYY-MM-DD */
  day: string;
  units: number;
}

/** The demand forecasts, made from the daily product sales (AnalyticsStore.dailyUnits) and replaced all at once. */
export interface ForecastStore {
  /** The day the stored forecasts were made (the latest, should they differ); null when none is stored. */
  madeOn(): Promise<string | null>;
  /**
   * Replaces every stored forecast with `forecasts`, made on `madeOn`, in one transaction.
   * False, and nothing changed, when forecasts made on `madeOn` or later are stored already
   * (another replica made them meanwhile).
   */
  replace(madeOn: string, forecasts: readonly ProductForecast[]): Promise<boolean>;
  /** The product's stored forecast, or null. */
  forecast(productId: number): Promise<ProductForecast | null>;
  /** Every stored forecast, by product id. */
  all(): Promise<ProductForecast[]>;
}

/** A product as the catalog has it now. */
export interface StockedProduct {
  id: number;
  name: string;
  stock: number;
}

/** The catalog's current stock (the product service): it moves with every reservation, which no event carries. */
export interface StockLookup {
  /** The products among `ids` the catalog still has (an archived one is left out). */
  products(ids: readonly number[]): Promise<Map<number, StockedProduct>>;
}
