import { describe, expect, it } from "vitest";
import { takerFeeAt } from "../../src/domain/fees.ts";
import type { Quote } from "../../src/domain/quote.ts";
import { Engine } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { type VenueOrder, sizeVenueOrder } from "../../src/engine/orders.ts";
import { TRADING_CONFIG, randomWalk } from "./fixtures.ts";

const FEE = 700;
const worst = (o: { contracts: number; limitPrice: number }) => o.contracts * o.limitPrice + takerFeeAt(o.contracts, o.limitPrice, FEE);

describe("sizing a venue order so its worst case fits", () => {
  it("takes the most contracts whose count × limit + fee fits the cap, and the lowest limit that reaches them", () => {
    // A paper fill across three levels: 100 at 5¢, 100 at 7¢, 60 at 9¢.
    const levels = [
      { price: 500, contracts: 100 },
      { price: 700, contracts: 100 },
      { price: 900, contracts: 60 },
    ];
    // $15: all 200 up to 7¢ fit (200 × 7¢ + $0.92); a 201st needs the 9¢ level, where 201 would cost $18.09 + fee.
    const sized = sizeVenueOrder(levels, 150_000, FEE)!;
    expect(sized).toEqual({ contracts: 200, limitPrice: 700 });
    expect(worst(sized)).toBeLessThanOrEqual(150_000);
    expect(worst({ contracts: 201, limitPrice: 900 })).toBeGreaterThan(150_000);
    // $3: the first level alone is enough; 56 × 5¢ + $0.19 fits, 57 would cost $3.04.
    expect(sizeVenueOrder(levels, 30_000, FEE)).toEqual({ contracts: 56, limitPrice: 500 });
    expect(worst({ contracts: 57, limitPrice: 500 })).toBeGreaterThan(30_000);
    expect(sizeVenueOrder(levels, 500, FEE)).toBeNull();
  });
});

describe("a live order against a deep mispriced book (issue 16, item 8)", () => {
  // Both sides offered from 5¢ up in steps, far below any fair value: the strategy wants $15 worth of whichever it picks.
  const deep: Quote = {
    ticker: "",
    source: "kalshi",
    yes: { bid: 400, asks: [5, 6, 7, 8, 9, 10, 11, 12].map((c) => ({ price: c * 100, size: 40 })) },
    no: { bid: 400, asks: [5, 6, 7, 8, 9, 10, 11, 12].map((c) => ({ price: c * 100, size: 40 })) },
  };
  const prices = randomWalk(3, 3 * 900);

  function run(maxPerOrder: number) {
    const sent: VenueOrder[] = [];
    const said: string[] = [];
    const config = {
      ...TRADING_CONFIG,
      strategy: { ...TRADING_CONFIG.strategy, maxPosition: 150_000 },
      risk: { maxPerOrder, maxOpenExposure: null, maxDailyLoss: null, maxOrdersPerWindow: 1, dayStartHourUtc: 0 },
    };
    const e = new Engine(config, {
      market: { name: "kalshi", quote: (_t, w) => ({ ...deep, ticker: w.ticker }), officialStrike: () => null },
      journal: new MemoryJournal(),
      orders: { send: (o) => sent.push(o) },
      listener: { onOrderSent: (ref, contracts, limit, side) => said.push(`${ref} ${contracts} ${side} ${limit}`) },
    });
    for (const p of prices) {
      e.handle({ type: "second", second: p.second, cents: p.cents, carried: false });
      if (sent.length > 0) break;
    }
    return { e, sent, said };
  }

  it("sends an order whose worst case is within the $15 limit instead of refusing every one", () => {
    const { e, sent } = run(150_000);
    expect(e.counters.refused.max_per_order).toBe(0);
    expect(sent).toHaveLength(1);
    const o = sent[0]!;
    expect(worst(o)).toBeLessThanOrEqual(150_000);
    // The most that fits: one more contract, at the price of the level it would come from, would pass $15.
    const levelOf = (n: number) => (5 + Math.floor((n - 1) / 40)) * 100;
    expect(o.limitPrice).toBe(levelOf(o.contracts));
    expect(worst({ contracts: o.contracts + 1, limitPrice: levelOf(o.contracts + 1) })).toBeGreaterThan(150_000);
  });

  it("tells the listener what was sent (the sized order), not what the strategy first asked for", () => {
    const { sent, said } = run(1_000_000);
    const o = sent[0]!;
    expect(said).toEqual([`${o.ref} ${o.contracts} ${o.side} ${o.limitPrice}`]);
  });

  it("a per-order limit below the strategy's budget sizes the order to that limit", () => {
    const { sent } = run(50_000);
    expect(sent).toHaveLength(1);
    expect(worst(sent[0]!)).toBeLessThanOrEqual(50_000);
  });
});
