// `npm start --series KXBTC15M,KXETH15M` end to end against fake exchanges (both coins on the same
// connections) and a fake Kalshi listing both series, on a simulated clock: one engine per series,
// each window, strike and settlement its own coin's; a trade on one series in its journal alone;
// one status line per series and one of them all; one recording of both that replays to both journals.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { parseCompareList } from "../../src/app/core/compare/arms.ts";
import type { TradeRecord, WindowRecord } from "../../src/domain/records.ts";
import { windowAt } from "../../src/domain/window.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";
import { type FakeExchanges, startFakeExchanges } from "../fakes/exchanges.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { SimScheduler } from "../sim/scheduler.ts";
import { startLive } from "./live-harness.ts";

const CLOSE = Date.parse("2026-11-20T14:30:00Z") / 1000;
const btcAt = (s: number) => 64_000 + 40 * Math.sin(s / 97);
const ethAt = (s: number) => 3_000 + 2 * Math.sin(s / 89);
const BTC = windowAt(CLOSE - 1, "KXBTC15M").ticker;
const ETH = windowAt(CLOSE - 1, "KXETH15M").ticker;
const ETH_NEXT = windowAt(CLOSE, "KXETH15M").ticker;

const sim = new SimScheduler((CLOSE - 40) * 1000 + 370);
let ex: FakeExchanges;
let kalshi: FakeKalshi;

beforeAll(async () => {
  ex = await startFakeExchanges({ price: 64_000, scheduler: sim, tickMs: 500, heartbeatMs: 1000 });
  for (const n of ["coinbase", "kraken"] as const) {
    ex.exchanges[n].prices.set("ETH", 3_000);
    ex.exchanges[n].histories.set("BTC", { get nowMs() { return sim.now(); }, priceAt: btcAt, tradeSeconds: 120 });
    ex.exchanges[n].histories.set("ETH", { get nowMs() { return sim.now(); }, priceAt: ethAt, tradeSeconds: 120 });
  }
  kalshi = await startFakeKalshi({ scheduler: sim });
  // Bitcoin: a cheap YES (NO bid 95¢) against a strike a little below the price: worth a trade.
  kalshi.setBook(BTC, { yes: [["0.0300", "500.00"]], no: [["0.9500", "500.00"]] });
  kalshi.setMarket(BTC, { floor_strike: 63_990 });
  // Ether: its own strikes, and a book with nothing worth buying (each side offered at 99¢).
  kalshi.setBook(ETH, { yes: [["0.0100", "500.00"]], no: [["0.0100", "500.00"]] });
  kalshi.setMarket(ETH, { floor_strike: 3000.25, title: "ETH price up in next 15 mins?", rules_primary: "If the simple average of the sixty seconds of CF Benchmarks' ETHUSDRTI before the close is at least the simple average of the sixty seconds of ETHUSDRTI before the open, then the market resolves to Yes." });
  kalshi.setMarket(ETH_NEXT, { floor_strike: 3000.55 });
  kalshi.setResult(BTC, { result: "yes", expirationValue: "64001.00" });
  kalshi.setResult(ETH, { result: "no", expirationValue: "2999.87" });
});

afterAll(async () => {
  await Promise.all([ex?.close(), kalshi?.close()]);
});

const feeds = () => ({
  ...ex.feedsConfig,
  superviseIntervalMs: 500,
  connection: { ...ex.feedsConfig.connection, pingIntervalMs: 1000 },
  coinbase: { ...ex.feedsConfig.coinbase, quietTimeoutMs: 3000 },
  kraken: { ...ex.feedsConfig.kraken, quietTimeoutMs: 3000 },
  binanceus: { enabled: false },
  bitstamp: { enabled: false },
  rest: { enabled: false },
});

describe("two series in one process", () => {
  it("runs an engine per series on its own coin and its own markets, journals each apart, and records both", async () => {
    const run = startLive({
      sim,
      config: {
        series: "KXBTC15M,KXETH15M",
        markets: "kalshi",
        statusIntervalSeconds: 2,
        startupTimeoutSeconds: 20,
        strategy: { minConfidence: 0 },
        feeds: feeds(),
        kalshi: { baseUrl: kalshi.baseUrl, wsUrl: kalshi.wsUrl, bookPollMs: 1000, resultPollMs: 1000 },
      },
      columns: 80,
    });
    await run.waitFor(/^SYSTEM READY - MONITORING FOR OPPORTUNITIES$/m);
    const out = () => run.out();
    expect(out()).toMatch(/PAPER trading on Kalshi KXBTC15M, KXETH15M/);
    // The model's settings are Bitcoin's, and the console says so.
    expect(out()).toMatch(/^ {11}settings fitted on BTC, unchecked on ETH \(docs\/series\.md\)$/m);
    // Each coin's feed, each from the same two exchanges.
    expect(out()).toMatch(/^✓ BTC {2}coinbase \$64,0\d\d\.\d\d · kraken \$64,0\d\d\.\d\d \(2 of 2 sources\)$/m);
    expect(out()).toMatch(/^✓ ETH {2}coinbase \$3,0\d\d\.\d\d · kraken \$3,0\d\d\.\d\d \(2 of 2 sources\)$/m);
    expect(ex.exchanges.coinbase.connections).toBe(1);
    expect(ex.exchanges.kraken.connections).toBe(1);
    await run.waitFor(/NEW TRADE SIGNAL · KXBTC15M[\s\S]*└─+┘/);
    // A status line per series, each fitting 80 columns, then the line of both.
    await run.waitFor(/^\d\d:\d\d:\d\d UTC {2}BTC {2}.*\n\d\d:\d\d:\d\d UTC {2}ETH {2}.*\n\d\d:\d\d:\d\d UTC {2}ALL {2}Balance: \$[\d,.]+ \| P&L: /m);
    for (const line of out().split("\n")) if (/^\d\d:\d\d:\d\d UTC/.test(line)) expect(line.length, line).toBeLessThanOrEqual(80);
    // Both windows close; Kalshi settles each on its own coin's value.
    await sim.until(() => (out().match(/KXETH15M-\S+: Kalshi NO at \$2,999\.87 \(strike \$3,000\.25\)/) ?? []).length > 0 && /■ SETTLED KXBTC15M/.test(out()), `both results\n${out()}`, { simMs: 120_000 });
    await sim.advance(5_000);
    expect(await run.stop()).toBe(0);
    expect(out()).toMatch(/Performance summary: KXBTC15M/);
    expect(out()).toMatch(/Performance summary: KXETH15M/);
    expect(out()).toMatch(/Performance summary: every series together/);

    const root = join(run.dir, "trading");
    const journal = (s: string) => loadTradeJournal(join(root, s)).records;
    const windows = (s: string) => readFileSync(join(root, s, "windows.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as WindowRecord);
    // The trade is Bitcoin's, in Bitcoin's journal only.
    const btcTrades = journal("KXBTC15M").filter((r): r is TradeRecord => r.type === "trade");
    expect(btcTrades.length).toBeGreaterThanOrEqual(1);
    for (const t of btcTrades) expect(t.ticker).toMatch(/^KXBTC15M-/);
    expect(btcTrades[0]).toMatchObject({ ticker: BTC, strike: "63990.00", strike_source: "kalshi" });
    expect(Number(btcTrades[0]!.btc_price)).toBeGreaterThan(63_900);
    expect(journal("KXETH15M").map((r) => r.type)).toEqual(["account"]);
    // Each window's official outcome, and our own settlement average beside it, of its own coin.
    const btcWindow = windows("KXBTC15M").find((w) => w.ticker === BTC)!;
    expect(btcWindow).toMatchObject({ strike: "63990.00", settlement_value: "64001.00", result: "yes", source: "kalshi" });
    expect(Number(btcWindow.proxy_settlement_value)).toBeCloseTo(btcAt(CLOSE - 30), -2);
    const ethWindow = windows("KXETH15M").find((w) => w.ticker === ETH)!;
    expect(ethWindow).toMatchObject({ strike: "3000.25", settlement_value: "2999.87", result: "no", source: "kalshi", window_close: CLOSE });
    expect(Math.abs(Number(ethWindow.proxy_settlement_value) - 3_000)).toBeLessThan(3);
    for (const w of windows("KXETH15M")) expect(w.ticker).toMatch(/^KXETH15M-/);
    // After the close each engine is in its own next window: Ether's against Kalshi's 3000.55 and its own average.
    const log = readFileSync(join(run.dir, readdirSync(run.dir).find((f) => f.endsWith(".log"))!), "utf8");
    expect(log).toMatch(new RegExp(`Window ${ETH_NEXT} {2}strike \\$3,000\\.55 \\(Kalshi; ours \\$(2,99\\d|3,00\\d)\\.\\d\\d\\)`));
    expect(log).toMatch(new RegExp(`Window ${windowAt(CLOSE, "KXBTC15M").ticker} {2}strike \\$64,839\\.26 \\(Kalshi; ours \\$6[34],\\d{3}\\.\\d\\d\\)`));
    // Each series' markets were asked for, through one client.
    expect(kalshi.requests.some((r) => r.path.endsWith(`/markets/${ETH}`))).toBe(true);
    expect(kalshi.requests.some((r) => r.path.endsWith(`/markets/${BTC}`))).toBe(true);

    // One recording holds both series; replayed, it makes both journals byte for byte.
    const replay = await runReplay({ paths: [join(root, "sessions")], outDir: join(run.dir, "replay") });
    expect(Object.keys(replay.series)).toEqual(["KXBTC15M", "KXETH15M"]);
    for (const s of ["KXBTC15M", "KXETH15M"]) {
      expect(readFileSync(join(run.dir, "replay", s, "trades.jsonl"), "utf8"), s).toBe(readFileSync(join(root, s, "trades.jsonl"), "utf8"));
      expect(readFileSync(join(run.dir, "replay", s, "windows.jsonl"), "utf8"), s).toBe(readFileSync(join(root, s, "windows.jsonl"), "utf8"));
    }
    expect(replay.total.trades).toBe(btcTrades.length);

    // The second series replayed alone and compared: btc15's own arm is that replay, window for window.
    const eth = join(run.dir, "replay-eth", "KXETH15M");
    const compared = await runReplay({ paths: [join(root, "sessions")], outDir: join(run.dir, "replay-eth"), series: ["KXETH15M"], compare: parseCompareList("model") });
    expect(compared.comparison!.strategies[0]!.trades).toBe(compared.series.KXETH15M!.trades);
    expect(readFileSync(join(eth, "windows.jsonl"), "utf8")).toMatch(/"ticker":"KXETH15M-/);
    for (const f of ["trades.jsonl", "windows.jsonl"]) expect(readFileSync(join(eth, "compare", "model", f), "utf8"), f).toBe(readFileSync(join(eth, f), "utf8"));
  });
});
