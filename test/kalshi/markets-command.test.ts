import { describe, expect, it } from "vitest";
import { fetchMarketViews, formatMarketViews } from "../../src/app/commands/markets.ts";
import { windowAt } from "../../src/domain/window.ts";
import { cli } from "../cli/run.ts";
import { startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient } from "./helpers.ts";

const OPEN = 1_785_000_600;
const W = windowAt(OPEN);

describe("btc15 markets", () => {
  it("shows the current and next window from public data: strike, status, best bid/ask both sides, depth", async () => {
    const clock = new ScriptedClock((OPEN + 100) * 1000);
    const fake = await startFakeKalshi({ now: () => clock.now() });
    try {
      fake.setBook(W.ticker, { yes: [["0.4400", "9.00"], ["0.4500", "10.00"]], no: [["0.5300", "6.00"], ["0.5400", "8.00"]] });
      const views = await fetchMarketViews(testClient(fake.baseUrl), "KXBTC15M", OPEN + 100);
      expect(views.map((v) => [v.window, v.ticker, v.status])).toEqual([["current", W.ticker, "active"], ["next", windowAt(W.close).ticker, "initialized"]]);
      expect(views[0]).toMatchObject({ strike: "64839.26", open: "2026-07-25T17:30:00Z", yes: { bid: "0.4500", ask: "0.4600", ask_depth: 14, levels: 2 }, no: { bid: "0.5400", ask: "0.5500", ask_depth: 19 } });
      expect(views[1]!.yes).toBeNull();
      const text = formatMarketViews(views);
      expect(text).toContain(`current ${W.ticker}`);
      expect(text).toMatch(/YES bid 0\.4500 {2}ask 0\.4600 {2}depth 14 contracts on 2 level/);
    } finally {
      await fake.close();
    }
  });

  it("shows an XRP market's strike at its four decimals, and says when Kalshi rounds otherwise than btc15's table", async () => {
    const clock = new ScriptedClock((OPEN + 100) * 1000);
    const fake = await startFakeKalshi({ now: () => clock.now() });
    try {
      const xrp = windowAt(OPEN, "KXXRP15M");
      fake.setMarket(xrp.ticker, { floor_strike: 2.1234, custom_strike: { round_digits: "4" } });
      fake.setMarket(windowAt(xrp.close, "KXXRP15M").ticker, { floor_strike: 2.12345, custom_strike: { round_digits: "5" } });
      const views = await fetchMarketViews(testClient(fake.baseUrl), "KXXRP15M", OPEN + 100);
      expect(views.map((v) => [v.series, v.ticker, v.strike, v.round_digits])).toEqual([
        ["KXXRP15M", xrp.ticker, "2.1234", 4],
        ["KXXRP15M", windowAt(xrp.close, "KXXRP15M").ticker, "2.1235", 5],
      ]);
      expect(formatMarketViews(views)).toMatch(/strike 2\.1235 \(rounded to 5 decimals; btc15's table says 4\)/);
    } finally {
      await fake.close();
    }
  });

  it("exits non-zero with a clear message, not a hang, when Kalshi cannot be reached", async () => {
    const r = await cli(["markets"], { KALSHI_API_BASE_URL: "http://127.0.0.1:9/trade-api/v2" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot get market data from Kalshi at http:\/\/127\.0\.0\.1:9\/trade-api\/v2/);
  });
});
