import { describe, expect, it } from "vitest";
import type { Quote } from "../../src/domain/quote.ts";
import { Declined, type StrategyParams } from "../../src/strategy/edge-strategy.ts";
import { StaleBookTaker } from "../../src/strategy/stale-taker.ts";
import type { StrategyInput } from "../../src/strategy/strategy.ts";

const params: StrategyParams = { minEdge: 0.015, minConfidence: 0, kellyFraction: 0.5, maxPosition: 150_000, maxEntriesPerWindow: 1, minSecondsLeft: 0, feeRate: 700 };

function quote(yesAsk: number, noAsk: number): Quote {
  return { ticker: "KXBTC15M-26NOV020015-15", source: "kalshi", yes: { bid: (100 - noAsk) * 100, asks: [{ price: yesAsk * 100, size: 100 }] }, no: { bid: (100 - yesAsk) * 100, asks: [{ price: noAsk * 100, size: 100 }] } };
}

const CLOSE = 1_793_578_500;
const at = (t: number, fairValue: number, q: Quote | null): StrategyInput => ({ t, close: CLOSE, fairValue, pUp: fairValue, quote: q, balance: 2_000_000, entriesThisWindow: 0, secondsLeft: CLOSE - t });

describe("a taker that waits for staleness", () => {
  it("trades only once the book has sat unchanged N seconds while the fair value moved away from it", () => {
    const taker = new StaleBookTaker(params, { bookAgeSeconds: 5, minMove: 0.02 });
    const no = new Declined();
    const book = quote(52, 50);
    const start = CLOSE - 600;
    expect(taker.decide(at(start, 0.5, book), no)).toMatchObject({ kind: "none", reason: "no_signal" });
    // Spot moves at once, but the book is only 2 s old: the edge rule would buy, the taker waits.
    expect(taker.decide(at(start + 2, 0.6, book), no)).toMatchObject({ kind: "none", reason: "no_signal" });
    // 6 s unchanged, fair value 10 points away from where it was when the book last moved: buy YES.
    expect(taker.decide(at(start + 6, 0.6, book), no)).toMatchObject({ kind: "trade", side: "yes" });
  });

  it("waits again when the book moves, and never trades a stale book whose fair value stood still", () => {
    const taker = new StaleBookTaker(params, { bookAgeSeconds: 5, minMove: 0.02 });
    const no = new Declined();
    const start = CLOSE - 600;
    taker.decide(at(start, 0.5, quote(52, 50)), no);
    expect(taker.decide(at(start + 10, 0.6, quote(58, 44)), no)).toMatchObject({ reason: "no_signal" });
    expect(taker.decide(at(start + 12, 0.6, quote(58, 44)), no)).toMatchObject({ reason: "no_signal" });
    // A stale book, a forecast off its price (pUp 0.6), but the fair value has not moved since the book did: no staleness.
    const still = new StaleBookTaker(params, { bookAgeSeconds: 5, minMove: 0.02 });
    still.decide(at(start, 0.6, quote(52, 50)), no);
    expect(still.decide(at(start + 30, 0.6, quote(52, 50)), no)).toMatchObject({ reason: "no_signal" });
  });

  it("still needs the edge: a stale book that the fair value moved towards is no trade", () => {
    const taker = new StaleBookTaker(params, { bookAgeSeconds: 5, minMove: 0.02 });
    const no = new Declined();
    const start = CLOSE - 600;
    taker.decide(at(start, 0.4, quote(52, 50)), no);
    expect(taker.decide(at(start + 10, 0.51, quote(52, 50)), no)).toMatchObject({ kind: "none", reason: "low_edge" });
  });
});
