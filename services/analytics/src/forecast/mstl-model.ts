import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initSync, MSTL } from '@bsull/augurs/mstl';
import { type Model, SEASON_DAYS } from './demand-forecast.ts';

let ready = false;

/** augurs ships WebAssembly beside its module; Node reads it from disk (no fetch of a file URL). */
function ensureReady(): void {
  if (ready) return;
  const module = fileURLToPath(import.meta.resolve('@bsull/augurs/mstl'));
  initSync({ module: readFileSync(module.replace(/mstl\.js$/, 'mstl_bg.wasm')) });
  ready = true;
}

/**
 * MSTL with a weekly season and an AutoETS trend (augurs, Rust compiled to WebAssembly):
 * the week's pattern is taken out, the rest is forecast by the exponential-smoothing model
 * AutoETS picks, and the pattern is put back.
 */
export const mstlEtsModel: Model = (history, horizon, level) => {
  ensureReady();
  const model = MSTL.ets([SEASON_DAYS]);
  try {
    model.fit(Float64Array.from(history));
    const forecast = model.predict(horizon, level);
    return {
      point: forecast.point,
      lower: forecast.intervals?.lower ?? forecast.point,
      upper: forecast.intervals?.upper ?? forecast.point,
    };
  } finally {
    model.free();
  }
};
