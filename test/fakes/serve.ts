// Starts the fake exchanges and fake Kalshi on 127.0.0.1 and writes a config pointing btc15 at
// them: for watching the live console by hand without a network. Usage:
//   node --import tsx test/fakes/serve.ts CONFIG_OUT.json   (runs until killed)
import { writeFileSync } from "node:fs";
import { windowAt } from "../../src/domain/window.ts";
import { startFakeExchanges } from "./exchanges.ts";
import { startFakeKalshi } from "./kalshi.ts";

const out = process.argv[2] ?? "fake-config.json";
const ex = await startFakeExchanges({ price: 64_000, tickMs: 250 });
const history = { get nowMs() { return Date.now(); }, priceAt: (s: number) => 64_000 + 40 * Math.sin(s / 97), tradeSeconds: 120 };
ex.exchanges.coinbase.history = history;
ex.exchanges.kraken.history = history;
let p = 64_000;
setInterval(() => ex.setPrice((p += (Math.random() - 0.5) * 6)), 250);
const kalshi = await startFakeKalshi();
for (let t = Date.now() / 1000 - 900; t < Date.now() / 1000 + 4 * 3600; t += 900) {
  kalshi.setBook(windowAt(t).ticker, { yes: [["0.4400", "120.00"], ["0.4500", "80.00"]], no: [["0.4900", "60.00"], ["0.5000", "40.00"]] });
  // Kalshi's official strike near the price, as the real one is (the average of the minute before the open).
  kalshi.setMarket(windowAt(t).ticker, { floor_strike: Math.round((64_000 + 30 * Math.sin(t / 900)) * 100) / 100 });
}
writeFileSync(out, JSON.stringify({ markets: "kalshi", feeds: ex.feedsConfig, kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl }, statusIntervalSeconds: 10 }, null, 2));
console.log(`fakes up; config in ${out}`);
