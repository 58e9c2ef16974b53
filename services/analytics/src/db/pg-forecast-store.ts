import { type Db, queryRows } from '@shop/platform';
import { sql } from 'drizzle-orm';
import type { ForecastMethod, ForecastPoint, ForecastStore, ProductForecast } from '../domain/ports.ts';
import { demandForecast } from './schema.ts';

interface ForecastRow {
  product_id: number;
  made_on: string;
  method: string;
  backtest_wape: number | string | null;
  points: ForecastPoint[] | string;
}

const FORECAST_COLUMNS = sql`product_id, to_char(made_on, 'YYYY-MM-DD') as made_on, method, backtest_wape, points`;

/** The demand forecasts in PostgreSQL (or PGlite), whatever store holds the rollups they are made from. */
export class PgForecastStore implements ForecastStore {
  constructor(private readonly db: Db) {}

  async madeOn(): Promise<string | null> {
    const [row] = await queryRows<{ made_on: string | null }>(
      this.db,
      sql`select to_char(max(made_on), 'YYYY-MM-DD') as made_on from ${demandForecast}`,
    );
    return row?.made_on ?? null;
  }

  replace(madeOn: string, forecasts: readonly ProductForecast[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Readers go on (they take ACCESS SHARE); a second writer (another replica) waits here,
      // then finds this run's rows and leaves them.
      await tx.execute(sql`lock table ${demandForecast} in exclusive mode`);
      const [made] = await queryRows<{ one: number }>(
        tx,
        sql`select 1 as one from ${demandForecast} where made_on >= ${madeOn}::date limit 1`,
      );
      if (made) return false;
      await tx.execute(sql`delete from ${demandForecast}`);
      if (forecasts.length > 0) {
        const rows = forecasts.map((forecast) => ({
          product_id: forecast.productId,
          made_on: forecast.madeOn,
          method: forecast.method,
          backtest_wape: forecast.backtestWape,
          points: forecast.points,
        }));
        await tx.execute(sql`
          insert into ${demandForecast} (product_id, made_on, method, backtest_wape, points)
          select product_id, made_on, method, backtest_wape, points
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              as x (product_id integer, made_on date, method text, backtest_wape double precision, points jsonb)`);
      }
      return true;
    });
  }

  async forecast(productId: number): Promise<ProductForecast | null> {
    const [row] = await queryRows<ForecastRow>(
      this.db,
      sql`select ${FORECAST_COLUMNS} from ${demandForecast} where product_id = ${productId}`,
    );
    return row ? toForecast(row) : null;
  }

  async all(): Promise<ProductForecast[]> {
    const rows = await queryRows<ForecastRow>(
      this.db,
      sql`select ${FORECAST_COLUMNS} from ${demandForecast} order by product_id`,
    );
    return rows.map(toForecast);
  }
}

function toForecast(row: ForecastRow): ProductForecast {
  return {
    productId: Number(row.product_id),
    madeOn: row.made_on,
    method: row.method as ForecastMethod,
    backtestWape: row.backtest_wape === null ? null : Number(row.backtest_wape),
    points: typeof row.points === 'string' ? (JSON.parse(row.points) as ForecastPoint[]) : row.points,
  };
}
