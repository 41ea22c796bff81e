import { describe, expect, it } from "vitest";
import { takerFee } from "../../src/domain/fees.ts";
import type { Quote } from "../../src/domain/quote.ts";
import { paperFill } from "../../src/engine/paper-broker.ts";
import type { OrderIntent } from "../../src/strategy/decision.ts";

const book: Quote = {
  ticker: "KXBTC15M-26APR271445-45",
  source: "test",
  yes: {
    bid: 5300,
    asks: [
      { price: 5500, size: 4 },
      { price: 5600, size: 3 },
      { price: 5800, size: 100 },
    ],
  },
  no: { bid: 4400, asks: [{ price: 4700, size: 10 }] },
};

const intent = (over: Partial<OrderIntent>): OrderIntent => ({
  kind: "trade",
  side: "yes",
  contracts: 5,
  price: 5500,
  limitPrice: 6000,
  budget: 1_000_000,
  pSide: 0.65,
  edge: 0.08,
  confidence: 0.15,
  edges: { yes: 0.08, no: null },
  ...over,
});

describe("paper broker walks the book", () => {
  it("fills level by level at the book's prices, fee on the whole order", () => {
    const f = paperFill(intent({ contracts: 6 }), book, 700)!;
    expect(f.levels).toEqual([
      { price: 5500, contracts: 4 },
      { price: 5600, contracts: 2 },
    ]);
    expect(f.contracts).toBe(6);
    expect(f.cost).toBe(4 * 5500 + 2 * 5600);
    expect(f.fee).toBe(takerFee(f.levels, 700));
  });

  it("never pays above the limit price: a partial fill when the depth below it runs out", () => {
    const f = paperFill(intent({ contracts: 20, limitPrice: 5600 }), book, 700)!;
    expect(f.contracts).toBe(7);
    expect(Math.max(...f.levels.map((l) => l.price))).toBeLessThanOrEqual(5600);
  });

  it("stays within the budget, fee included", () => {
    const f = paperFill(intent({ contracts: 50, budget: 30_000 }), book, 700)!;
    expect(f.cost + f.fee).toBeLessThanOrEqual(30_000);
    expect(f.contracts).toBe(5); // 4 × 55¢ + 1 × 56¢ = $2.76 + 9¢ fee = $2.85; a sixth would pass $3
  });

  it("fills nothing from an empty side or above every offer", () => {
    expect(paperFill(intent({ side: "no" }), { ...book, no: { bid: null, asks: [] } }, 700)).toBeNull();
    expect(paperFill(intent({ limitPrice: 5400 }), book, 700)).toBeNull();
  });
});
