// The series table: what each series is, what it settles on, how its prices are kept; unknown
// series refused with the list of known ones; a market's own rounding read at a live start.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPriceDigits } from "../../src/app/venue/kalshi-market.ts";
import { parseConfig } from "../../src/config/load.ts";
import { resolveConfig } from "../../src/config/load.ts";
import { decimalsOf, priceScale, priceText, unitsOf } from "../../src/domain/price-scale.ts";
import { SERIES, parseSeriesList, seriesOfTicker, seriesSpec } from "../../src/domain/series.ts";
import { windowAt } from "../../src/domain/window.ts";
import { KalshiClient } from "../../src/kalshi/client.ts";
import { settlementIndexOf } from "../../src/kalshi/index-frames.ts";
import { parseMarket } from "../../src/kalshi/wire.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";

describe("the series table", () => {
  it("names each series' coin, index, products and strike decimals, and says which are unconfirmed", () => {
    expect(SERIES.map((s) => [s.ticker, s.coin, s.index, s.priceDigits])).toEqual([
      ["KXBTC15M", "BTC", "BRTI", 2],
      ["KXETH15M", "ETH", "ETHUSD_RTI", 2],
      ["KXSOL15M", "SOL", "SOLUSD_RTI", 4],
      ["KXXRP15M", "XRP", "XRPUSD_RTI", 4],
    ]);
    expect(seriesSpec("KXBTC15M").priceDigitsSource).toMatch(/^confirmed/);
    for (const s of ["KXETH15M", "KXSOL15M", "KXXRP15M"]) expect(seriesSpec(s).priceDigitsSource, s).toMatch(/^UNCONFIRMED/);
    expect(seriesSpec("KXXRP15M").products).toEqual({ coin: "XRP", coinbase: "XRP-USD", binanceus: "xrpusdt", kraken: "XRP/USD", krakenRest: "XRPUSD", bitstamp: "xrpusd" });
    for (const s of SERIES) expect(settlementIndexOf(s.ticker)).toBe(s.index);
    expect(settlementIndexOf("KXDOGE15M")).toBeNull();
    expect(seriesOfTicker("KXETH15M-26APR271445-45")?.coin).toBe("ETH");
    expect(seriesOfTicker("KXDOGE15M-26APR271445-45")).toBeNull();
    // Every series shares the schedule and the ticker rule: the close in US Eastern time.
    expect(windowAt(Date.UTC(2026, 3, 27, 18, 40) / 1000, "KXXRP15M").ticker).toBe("KXXRP15M-26APR271445-45");
  });

  it("refuses a series it does not know, naming the ones it does, from a flag, a file or the environment", () => {
    expect(parseSeriesList("kxbtc15m, KXETH15M,KXBTC15M")).toEqual(["KXBTC15M", "KXETH15M"]);
    expect(() => parseSeriesList("KXBTC15M,KXDOGE15M")).toThrow("unknown series KXDOGE15M: btc15 knows KXBTC15M, KXETH15M, KXSOL15M, KXXRP15M");
    expect(() => seriesSpec("KXBNB15M")).toThrow(/btc15 knows KXBTC15M, KXETH15M, KXSOL15M, KXXRP15M/);
    expect(parseConfig({}).series).toEqual(["KXBTC15M"]);
    expect(parseConfig({ series: ["KXETH15M", "KXXRP15M"] }).series).toEqual(["KXETH15M", "KXXRP15M"]);
    expect(() => parseConfig({ series: "KXBTC1H" })).toThrow(/series: unknown series KXBTC1H: btc15 knows/);
    expect(resolveConfig({ env: { BTC15_SERIES: "KXSOL15M,KXBTC15M" } }).series).toEqual(["KXSOL15M", "KXBTC15M"]);
  });

  it("keeps prices in each series' unit: cents, or 1/10,000 dollar for a coin near $2", () => {
    const four = priceScale(4);
    expect(unitsOf("2.12345", four)).toBe(21_235); // halves up
    expect(unitsOf("2.1234", four)).toBe(21_234);
    expect(unitsOf(2.1, four)).toBe(21_000);
    expect(unitsOf("64839.26")).toBe(6_483_926);
    expect(priceText(21_234, four)).toBe("2.1234");
    expect(priceText(6_483_926)).toBe("64839.26");
    expect(decimalsOf("2.1230")).toBe(3);
    expect(decimalsOf(64839.26)).toBe(2);
  });

  it("reads a market's strike at the series' decimals, and the decimals Kalshi says it rounds to", () => {
    const m = { ticker: "KXXRP15M-26APR271445-45", status: "active", open_time: "2026-04-27T18:30:00Z", close_time: "2026-04-27T18:45:00Z", floor_strike: 2.1234, expiration_value: "2.1301", custom_strike: { round_digits: "4" } };
    expect(parseMarket({ market: m }, 4)).toMatchObject({ strikeCents: 21_234, expirationCents: 21_301, roundDigits: 4 });
    // Read at cents, the strike loses its last two decimals; the market still says 4.
    expect(parseMarket({ market: m }, 2)).toMatchObject({ strikeCents: 212, roundDigits: 4 });
    // Without custom_strike, the decimals floor_strike carries (a lower bound).
    const { custom_strike: _c, ...bare } = m;
    expect(parseMarket({ market: { ...bare, floor_strike: "2.123" } }, 4).roundDigits).toBe(3);
    expect(parseMarket({ market: { ...bare, floor_strike: null } }, 4).roundDigits).toBeNull();
  });
});

describe("a live start reads each series' rounding from its market", () => {
  const sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
  let kalshi: FakeKalshi;
  beforeAll(async () => {
    kalshi = await startFakeKalshi({ scheduler: sim });
  });
  afterAll(async () => {
    await kalshi?.close();
  });

  it("keeps the table's decimals where the market agrees, and the market's where it does not, saying so", async () => {
    const now = sim.now();
    const t = Math.floor(now / 1000);
    kalshi.setMarket(windowAt(t, "KXETH15M").ticker, { floor_strike: 3012.45, custom_strike: { round_digits: "2" } });
    kalshi.setMarket(windowAt(t, "KXXRP15M").ticker, { floor_strike: 2.12345, custom_strike: { round_digits: "5" } });
    kalshi.setMarket(windowAt(t, "KXSOL15M").ticker, { floor_strike: 141.25, custom_strike: null });
    const client = new KalshiClient({ baseUrl: kalshi.baseUrl, timeoutMs: 1000, maxRetries: 0, backoffBaseMs: 10, backoffMaxMs: 10, readTokensPerSecond: 1000, writeTokensPerSecond: 1000, tokensPerRequest: 1, scheduler: sim });
    try {
      const r = await sim.run(readPriceDigits(client, ["KXBTC15M", "KXETH15M", "KXSOL15M", "KXXRP15M"], now), "the markets");
      // BTC's fake market says 2; ETH's 2; SOL's strike has 2 decimals (a lower bound: the table's 4 stand); XRP's says 5.
      expect(r.digits).toEqual({ KXXRP15M: 5 });
      expect(r.notes.join("\n")).toMatch(/KXXRP15M: Kalshi's KXXRP15M-\S+ rounds its strike to 5 decimals \(custom_strike\.round_digits\), not the 4 btc15's series table assumed/);
    } finally {
      client.close();
    }
  });
});
