// The tear sheet's figures on curves worked out by hand: the drawdown in % of its peak and how
// long it lasted, profit factor, expectancy per trade, P&L by UTC day.
import { describe, expect, it } from "vitest";
import { tearSheet } from "../../src/report/tear-sheet.ts";

const D = Date.UTC(2026, 3, 27) / 1000; // 2026-04-27 00:00 UTC
const $ = (dollars: number) => Math.round(dollars * 10_000);

describe("the tear sheet", () => {
  it("measures the deepest drawdown against its own peak, and the longest time under a peak", () => {
    // 200 → 250 (peak) → 225 (−10%) → 250 (back after 3 h) → 260 (peak) → 247 (−5%) … to the end, 1 h.
    const equity = [
      { t: D, equity: $(200) },
      { t: D + 3600, equity: $(250) },
      { t: D + 2 * 3600, equity: $(225) },
      { t: D + 4 * 3600, equity: $(250) },
      { t: D + 5 * 3600, equity: $(260) },
      { t: D + 6 * 3600 - 600, equity: $(247) },
    ];
    const t = tearSheet(equity, [], D + 6 * 3600);
    expect(t.maxDrawdownPct).toBeCloseTo(0.1, 12);
    expect(t.maxDrawdownPeak).toBe($(250));
    expect(t.maxDrawdownAt).toBe(D + 2 * 3600);
    // The first spell: from the 250 peak (1 h) until equity is back at 250 (4 h): 3 h, recovered.
    expect(t.longestDrawdownSeconds).toBe(3 * 3600);
    expect(t.longestDrawdownFrom).toBe(D + 3600);
    expect(t.longestDrawdownRecovered).toBe(true);
  });

  it("counts a drawdown still open at the end up to the journal's end, and says it has not recovered", () => {
    const equity = [
      { t: D, equity: $(200) },
      { t: D + 60, equity: $(190) },
      { t: D + 120, equity: $(195) },
    ];
    const t = tearSheet(equity, [], D + 7200);
    expect(t.maxDrawdownPct).toBeCloseTo(0.05, 12);
    expect(t.longestDrawdownSeconds).toBe(7200);
    expect(t.longestDrawdownRecovered).toBe(false);
    // A curve that never falls has no drawdown at all.
    const up = tearSheet([{ t: D, equity: $(200) }, { t: D + 60, equity: $(201) }], [], D + 60);
    expect(up.maxDrawdownPct).toBe(0);
    expect(up.longestDrawdownSeconds).toBeNull();
    expect(tearSheet([], [], null).maxDrawdownPct).toBeNull();
  });

  it("gives profit factor, expectancy and the average win and loss of the settled trades", () => {
    // Wins +$6.00, +$3.00; losses −$2.00, −$2.50: profit factor 9 / 4.5 = 2; expectancy 4.5 / 4 = +$1.125.
    const settled = [
      { settledAt: D + 900, pnl: $(6) },
      { settledAt: D + 1800, pnl: $(-2) },
      { settledAt: D + 86_400 + 900, pnl: $(3) },
      { settledAt: D + 86_400 + 1800, pnl: $(-2.5) },
    ];
    const t = tearSheet([], settled, null);
    expect(t.settledTrades).toBe(4);
    expect(t.grossProfit).toBe($(9));
    expect(t.grossLoss).toBe($(4.5));
    expect(t.profitFactor).toBe(2);
    expect(t.expectancy).toBe($(1.125));
    expect(t.averageWin).toBe($(4.5));
    expect(t.averageLoss).toBe($(-2.25));
    // With no losing trade there is no ratio to give; with no trade, no expectancy.
    expect(tearSheet([], [{ settledAt: D, pnl: $(1) }], null).profitFactor).toBeNull();
    expect(tearSheet([], [], null).expectancy).toBeNull();
  });

  it("adds the P&L up by the UTC day each trade settled", () => {
    const settled = [
      { settledAt: D + 86_399, pnl: $(6) }, // 23:59:59 on the 27th
      { settledAt: D + 86_400, pnl: $(-2) }, // midnight: the 28th
      { settledAt: D + 86_400 + 900, pnl: $(-1) },
      { settledAt: D + 3 * 86_400, pnl: $(4) },
    ];
    expect(tearSheet([], settled, null).days).toEqual([
      { day: "2026-04-27", pnl: $(6), trades: 1, wins: 1, losses: 0 },
      { day: "2026-04-28", pnl: $(-3), trades: 2, wins: 0, losses: 2 },
      { day: "2026-04-30", pnl: $(4), trades: 1, wins: 1, losses: 0 },
    ]);
  });
});
