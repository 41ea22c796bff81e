import { describe, expect, it } from "vitest";
import type { Quote } from "../../src/domain/quote.ts";
import { type StrategyParams, decide } from "../../src/strategy/edge-strategy.ts";
import { contractsWithin, kellyFraction } from "../../src/strategy/kelly.ts";
import { takerFeeAt } from "../../src/domain/fees.ts";

const params: StrategyParams = {
  minEdge: 0.015,
  minConfidence: 0.03,
  kellyFraction: 0.5,
  maxPosition: 150_000, // $15
  maxEntriesPerWindow: 1,
  minSecondsLeft: 0,
  feeRate: 700,
};

function quote(yesAskCents: number, noAskCents: number, depth = 1000): Quote {
  return {
    ticker: "KXBTC15M-26APR271445-45",
    source: "test",
    yes: { bid: (100 - noAskCents) * 100, asks: [{ price: yesAskCents * 100, size: depth }] },
    no: { bid: (100 - yesAskCents) * 100, asks: [{ price: noAskCents * 100, size: depth }] },
  };
}

const input = (pUp: number, q: Quote | null, balance = 2_000_000) => ({ pUp, quote: q, balance, entriesThisWindow: 0, secondsLeft: 600 });

describe("edge strategy", () => {
  it("buys the side whose probability beats its ask by more than the fee and the minimum edge", () => {
    const d = decide(input(0.6, quote(55, 47)), params);
    expect(d.kind).toBe("trade");
    if (d.kind !== "trade") return;
    expect(d.side).toBe("yes");
    expect(d.edge).toBeCloseTo(0.6 - 0.55 - 0.07 * 0.55 * 0.45, 12);
    expect(d.confidence).toBeCloseTo(0.1, 12);
  });

  it("buys NO when NO has the larger edge", () => {
    const d = decide(input(0.4, quote(45, 55)), params);
    expect(d.kind === "trade" && d.side).toBe("no");
  });

  it("declines a thin edge and says why", () => {
    const d = decide(input(0.57, quote(55, 47)), params); // 0.57 − 0.55 − 0.0173 = 0.0027
    expect(d.kind).toBe("none");
    if (d.kind === "none") {
      expect(d.reason).toBe("low_edge");
      expect(d.detail).toMatch(/0\.27%/);
      expect(d.edges.yes).toBeCloseTo(0.002675, 9);
    }
  });

  it("declines a forecast too close to a coin flip even when the price looks cheap", () => {
    const d = decide(input(0.52, quote(40, 62)), params);
    expect(d.kind === "none" && d.reason).toBe("low_confidence");
  });

  it("declines a second entry in one window, a late entry, and an empty book", () => {
    expect(decide({ ...input(0.7, quote(50, 52)), entriesThisWindow: 1 }, params)).toMatchObject({ kind: "none", reason: "already_positioned" });
    expect(decide({ ...input(0.7, quote(50, 52)), secondsLeft: 5 }, { ...params, minSecondsLeft: 10 })).toMatchObject({ kind: "none", reason: "too_late" });
    expect(decide(input(0.7, null), params)).toMatchObject({ kind: "none", reason: "no_quote" });
    const empty: Quote = { ticker: "X", source: "test", yes: { bid: null, asks: [] }, no: { bid: null, asks: [] } };
    expect(decide(input(0.7, empty), params)).toMatchObject({ kind: "none", reason: "no_quote" });
  });

  it("sizes by half-Kelly on the balance", () => {
    // p = 0.62 at 50¢ (+1.75¢ fee): full Kelly (0.62 − 0.5175)/(1 − 0.5175) = 0.2124; half = 0.1062 of $50 = $5.31.
    const d = decide(input(0.62, quote(50, 52), 500_000), params);
    expect(d.kind).toBe("trade");
    if (d.kind !== "trade") return;
    const f = 0.5 * kellyFraction(0.62, 0.5175);
    expect(d.budget).toBe(Math.floor(f * 500_000));
    expect(d.contracts).toBe(10); // 10 × 50¢ + 18¢ fee = $5.18 ≤ $5.31; 11 would cost $5.70
  });

  it("caps a trade at the maximum position, fee included", () => {
    const d = decide(input(0.9, quote(50, 52), 100_000_000), params);
    expect(d.kind).toBe("trade");
    if (d.kind !== "trade") return;
    expect(d.budget).toBe(150_000);
    expect(d.contracts * 5000 + takerFeeAt(d.contracts, 5000, 700)).toBeLessThanOrEqual(150_000);
    expect((d.contracts + 1) * 5000 + takerFeeAt(d.contracts + 1, 5000, 700)).toBeGreaterThan(150_000);
    expect(d.contracts).toBe(28); // 28 × 50¢ + 49¢ = $14.49; 29 would be $15.01
  });

  it("says when the stake buys no contract", () => {
    const d = decide(input(0.6, quote(55, 47), 1_000), params); // 10¢ balance
    expect(d).toMatchObject({ kind: "none", reason: "size_zero" });
  });

  it("declines when rounding the fee up to a cent eats the edge of a tiny order", () => {
    // p = 0.534 at 50¢: unrounded edge 0.534 − 0.5 − 0.0175 = 0.0165 passes; half-Kelly on $40 buys one
    // contract, whose fee rounds up to 2¢: edge 0.014 < 0.015.
    const d = decide(input(0.534, quote(50, 52), 400_000), params);
    expect(d).toMatchObject({ kind: "none", reason: "fee_rounding" });
  });

  it("sets a limit price that still leaves the minimum edge", () => {
    const d = decide(input(0.7, quote(50, 52)), params);
    if (d.kind !== "trade") throw new Error("expected a trade");
    const lim = d.limitPrice / 10_000;
    expect(0.7 - lim - 0.07 * lim * (1 - lim)).toBeGreaterThanOrEqual(0.015);
    const above = lim + 0.01;
    expect(0.7 - above - 0.07 * above * (1 - above)).toBeLessThan(0.015);
  });
});

describe("Kelly sizing", () => {
  it("is zero without an edge and grows with it", () => {
    expect(kellyFraction(0.5, 0.55)).toBe(0);
    expect(kellyFraction(0.6, 0.5)).toBeCloseTo(0.2, 12);
    expect(kellyFraction(0.9, 0.5)).toBeCloseTo(0.8, 12);
  });

  it("finds the most whole contracts within a budget, rounded fee included", () => {
    for (let budget = 0; budget <= 200_000; budget += 1_337) {
      for (const price of [100, 2_500, 5_000, 9_900]) {
        const n = contractsWithin(budget, price, 700);
        const cost = (k: number) => k * price + takerFeeAt(k, price, 700);
        if (n > 0) expect(cost(n)).toBeLessThanOrEqual(budget);
        expect(cost(n + 1)).toBeGreaterThan(budget);
      }
    }
  });
});
