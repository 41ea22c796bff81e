import type { AppConfig } from "../../config/schema.ts";
import type { IndexCheck } from "../../engine/index-check.ts";
import type { IndexAverages } from "../../kalshi/index-averages.ts";
import { count, plural, usdAtDigits, usdFromUnits } from "../console/number-style.ts";
import type { SecondPricer } from "./index-pricing.ts";
import { keyVariables } from "./kalshi-credentials.ts";

/**
 * One line, the same on the console, in `btc15 markets` and on the dashboard, when Kalshi
 * answered a keyless order-book request with 401: what is missing and how to give it.
 */
export function bookKeyNotice(config: AppConfig): string {
  const v = keyVariables(config.kalshi.env);
  return `Kalshi requires an API key for order books (it answered 401): set ${v.id} and ${v.path} (docs/kalshi.md: "With an API key"); until then there is no Kalshi quote to trade on`;
}

/** The price shown beside the status: the settlement index while it prices the seconds, else the exchange median. */
export function shownPrice(pricer: SecondPricer | null, indexId: string | null, median: { readonly price: number | null; readonly short: string }): { readonly price: number | null; readonly short: string } {
  if (pricer === null || indexId === null || pricer.mode !== "index" || pricer.lastIndex === null) return median;
  return { price: pricer.lastIndex.price, short: `${indexId} (Kalshi)` };
}

/**
 * The settlement index's line, or null without one: which source prices the seconds now, how
 * many seconds each gave, how far the exchange median was from the index, and how our
 * boundary averages compared with Kalshi's own.
 */
export function indexLine(indexId: string | null, pricer: SecondPricer | null, check: IndexCheck, averages: IndexAverages | null, priceDigits = 2): string | null {
  if (indexId === null || pricer === null) return null;
  const p = pricer.counters;
  const c = check.counters;
  const median = check.medianDiffCents();
  const source = pricer.mode === "index" ? `source ${indexId}` : `source exchange median (${indexId} ${pricer.lastIndex === null ? "not received" : "stale"})`;
  const seconds = `${plural(p.oneHzSeconds + p.fiveHzSeconds, "second")} from the index${p.fiveHzSeconds ? ` (${count(p.fiveHzSeconds)} at 5 Hz)` : ""}, ${count(p.medianSeconds)} stood in by the median`;
  const per = 10 ** priceDigits;
  const diff = median === null ? "" : `; median − index: median ${usdFromUnits(median, priceDigits)}, mean ${usdAtDigits(c.sumDiffCents / c.compared / per, priceDigits)}, max ${usdFromUnits(c.maxDiffCents, priceDigits)} over ${plural(c.compared, "second")}`;
  const a = averages?.counters;
  const checks = a === undefined || a.windows === 0 ? "" : `; Kalshi's final-minute average agreed with ours ${count(a.finalAgree)}/${count(a.finalAgree + a.finalDisagree)}, its 60-s average ${count(a.avg60Agree)}/${count(a.avg60Agree + a.avg60Disagree)}`;
  return `index: ${source}; ${seconds}${diff}${checks}`;
}
