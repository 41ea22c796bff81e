// Strategies side by side: each its own paper account over the very same recorded events.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCompareList } from "../../src/app/core/compare/arms.ts";
import { configuredParts } from "../../src/app/core/parts.ts";
import { StaleBookTaker } from "../../src/strategy/stale-taker.ts";
import { writeHtmlReport } from "../../src/app/commands/report-html/command.ts";
import { runReplay } from "../../src/app/drivers/replay.ts";
import { lagFromRecordings } from "../../src/app/research/lag/collect.ts";
import { runBacktest } from "../../src/app/drivers/backtest.ts";
import { BUNDLED_SAMPLE } from "../../src/app/core/sample.ts";
import { parseConfig } from "../../src/config/load.ts";
import { UserError } from "../../src/domain/errors.ts";
import { laggedConfig, writeLaggedSession } from "../fakes/lagged-market.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "btc15-compare-"));

describe("replay --compare on a recording whose Kalshi trails spot by 30 s", () => {
  const dir = tmp();
  writeLaggedSession(join(dir, "sessions"), laggedConfig(join(dir, "live")), { delay: 30, windows: 8, seed: 5 });
  const outDir = join(dir, "out");
  // Each series replays into its own folder; the comparison sits beside the journal it compares.
  const out = join(outDir, "KXBTC15M");
  const run = runReplay({ paths: [join(dir, "sessions")], outDir, compare: parseCompareList("model,fair_value,coin_flip,market,stale_taker:3") });

  it("runs each strategy as its own account: btc15's own arm is the replay itself, record for record", async () => {
    const r = await run;
    const c = r.comparison!;
    expect(c.strategies.map((s) => s.strategy)).toEqual(["model", "fair_value", "coin_flip", "market", "stale_taker:3"]);
    const model = c.strategies[0]!;
    expect(model).toMatchObject({ trades: r.trades, pnl: r.pnl, fees: r.fees, max_drawdown: r.max_drawdown });
    expect(readFileSync(join(out, "compare", "model", "trades.jsonl"), "utf8")).toBe(readFileSync(join(out, "trades.jsonl"), "utf8"));
    expect(existsSync(join(out, "compare", "stale_taker-3", "trades.jsonl"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "compare.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(c)));
  });

  it("is fair: Kalshi's own mid never beats its ask after the fee, while the fair value of a spot 30 s fresher does", async () => {
    const c = (await run).comparison!;
    const by = Object.fromEntries(c.strategies.map((s) => [s.strategy, s]));
    expect(by.market!.trades).toBe(0);
    expect(by.market!.no_trade.low_edge ?? 0).toBeGreaterThan(0);
    expect(c.fairness).toMatchObject({ market_trades: 0, ok: true });
    expect(by.fair_value!.trades).toBeGreaterThan(0);
    expect(by.fair_value!.pnl).toBeGreaterThan(0);
    expect(by.fair_value!.pnl).toBeGreaterThan(by.coin_flip!.pnl);
    // The coin flip buys once a window, fees and all.
    expect(by.coin_flip!.trades).toBeGreaterThanOrEqual(7);
    expect(by.coin_flip!.trades).toBeLessThanOrEqual(8);
    expect(by.coin_flip!.fees).toBeGreaterThan(0);
  });

  it("scores every strategy on the same checkpoints: those where the market quoted both sides", async () => {
    const r = await run;
    const c = r.comparison!;
    const by = Object.fromEntries(c.strategies.map((s) => [s.strategy, s]));
    expect(c.checkpoints).toBe(r.baselines.market!.forecasts_scored);
    expect(by.market!.brier).toBeCloseTo(r.baselines.market!.brier!, 12);
    expect(by.model!.brier).toBeCloseTo(r.baselines.market!.model.brier!, 12);
    expect(by.coin_flip!.brier).toBe(0.25);
    expect(by.coin_flip!.brier_ci95).not.toBeNull();
  });

  it("draws the comparison in the HTML report, and the lag beside it when lag.json is there", async () => {
    await run;
    await writeHtmlReport(out, undefined, "2026-12-02T00:00:00Z");
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toMatch(/data-chart="comparison"/);
    expect(html).toMatch(/data-field="pnl-market">\$0\.00</);
    expect(html).toMatch(/found no edge after the spread and fee/);
    expect(html).not.toMatch(/data-chart="lag"/);
    const { result } = await lagFromRecordings([join(dir, "sessions")], { lag: { resamples: 20 } });
    writeFileSync(join(out, "lag.json"), JSON.stringify({ ...result, cannot_say: ["a caveat"] }));
    await writeHtmlReport(out, undefined, "2026-12-02T00:00:00Z");
    const withLag = readFileSync(join(out, "report.html"), "utf8");
    expect(withLag).toMatch(/data-chart="lag"/);
    expect(withLag).toMatch(/data-field="lag-seconds">\+30 s</);
    expect(withLag).toMatch(/<li>a caveat<\/li>/);
  });
});

describe("backtest --compare", () => {
  it("runs the strategies over the same prices against the synthetic market, and says it is not Kalshi", async () => {
    const out = tmp();
    const r = await runBacktest({ files: [BUNDLED_SAMPLE], to: Date.parse("2024-12-01T06:00:00Z") / 1000, config: parseConfig({ synthetic: { mispricingCents: 3 } }), outDir: out, compare: parseCompareList("model,coin_flip,market") });
    const c = r.comparison!;
    expect(c.strategies.map((s) => s.strategy)).toEqual(["model", "coin_flip", "market"]);
    expect(c.strategies[0]).toMatchObject({ trades: r.trades, pnl: r.pnl });
    expect(c.strategies[2]!.trades).toBe(0);
    expect(c.windows).toBeGreaterThan(10);
    expect(c.notes.join(" ")).toMatch(/synthetic one .*not Kalshi/);
  });
});

describe("the live strategy", () => {
  it("is the edge rule unless strategy.rule asks for the staleness taker, with its N from the configuration", () => {
    expect(configuredParts(parseConfig({})).strategy.name).toBe("edge");
    const taker = configuredParts(parseConfig({ strategy: { rule: "stale_taker", staleTaker: { bookAgeSeconds: 12 } } })).strategy;
    expect(taker).toBeInstanceOf(StaleBookTaker);
    expect((taker as StaleBookTaker).stale).toEqual({ bookAgeSeconds: 12, minMove: 0.02 });
    expect(() => parseConfig({ strategy: { rule: "martingale" } })).toThrow(/must be "edge" or "stale_taker"/);
  });
});

describe("the --compare list", () => {
  it("takes the strategies by name, the taker's N after a colon, and refuses anything else", () => {
    expect(parseCompareList("model, market ,stale_taker:15")).toEqual([
      { name: "model", label: "model" },
      { name: "market", label: "market" },
      { name: "stale_taker", label: "stale_taker:15", stale: { bookAgeSeconds: 15 } },
    ]);
    expect(() => parseCompareList("model,hodl")).toThrow(UserError);
    expect(() => parseCompareList("market:3")).toThrow(/only stale_taker takes a value/);
    expect(() => parseCompareList("stale_taker:0")).toThrow(/1 to 600/);
    expect(() => parseCompareList("model,model")).toThrow(/twice/);
  });
});
