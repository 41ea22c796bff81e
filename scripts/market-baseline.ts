// npm run market-baseline -- PRICES_1M.csv MARKETS.csv
// Scores Kalshi's own YES price as a forecast (the market-price baseline) on real KXBTC15M data.
import { marketBaseline } from "../src/app/research/market-baseline.ts";
import { UserError } from "../src/domain/errors.ts";

const [prices, markets] = process.argv.slice(2);
if (!prices || !markets) {
  process.stderr.write("usage: npm run market-baseline -- kxbtc15m_yes_price_1m_*.csv kxbtc15m_markets_*.csv\n");
  process.exit(2);
}
let r: ReturnType<typeof marketBaseline>;
try {
  r = marketBaseline(prices, markets); // checks both files first
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  process.stderr.write(`market-baseline: ${e.message}\n`);
  process.exit(2);
}
const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "n/a" : x.toFixed(4));
process.stdout.write(`Kalshi YES price as a forecast: ${r.markets} markets (${r.market.n} forecasts), skipped ${JSON.stringify(r.skipped)}\n`);
process.stdout.write(`                 Brier  log loss   10 min    5 min    2 min\n`);
process.stdout.write(`market price    ${f(r.market.brier).padStart(6)}  ${f(r.market.log_loss).padStart(8)}  ${f(r.market.brier_by_minutes_to_close["10"]).padStart(7)}  ${f(r.market.brier_by_minutes_to_close["5"]).padStart(7)}  ${f(r.market.brier_by_minutes_to_close["2"]).padStart(7)}\n`);
process.stdout.write(`coin flip       ${f(r.coinFlip.brier).padStart(6)}  ${f(r.coinFlip.log_loss).padStart(8)}\n`);
process.stdout.write(JSON.stringify({ markets: r.markets, skipped: r.skipped, market: { brier: r.market.brier, log_loss: r.market.log_loss, brier_by_minutes_to_close: r.market.brier_by_minutes_to_close }, coin_flip: { brier: r.coinFlip.brier } }) + "\n");
