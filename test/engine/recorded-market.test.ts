import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { takerFeeAt } from "../../src/domain/fees.ts";
import { type Quote, type QuoteMiss, isQuote } from "../../src/domain/quote.ts";
import { windowAt } from "../../src/domain/window.ts";
import { paperFill } from "../../src/engine/paper-broker.ts";
import { type QuoteTape, type RecordedQuote, RecordedMarket, type RecordedMarketFacts } from "../../src/engine/recorded-market.ts";
import { readQuoteFiles } from "../../src/history/quote-files.ts";
import type { OrderIntent } from "../../src/strategy/decision.ts";
import { rng } from "../helpers.ts";

const W = windowAt(1_773_262_800); // KXBTC15M-26MAR111715-15
const NEXT = windowAt(W.close);

function tape(rows: Record<string, RecordedQuote[]>, facts: Record<string, RecordedMarketFacts> = {}): QuoteTape {
  return { quotes: new Map(Object.entries(rows)), markets: new Map(Object.entries(facts)) };
}

const q = (t: number, bid: number | null, ask: number | null, assumed = false): RecordedQuote => ({ t, bid, ask, assumed });

/** The quote, or the test fails saying why there was none. */
function quoted(x: Quote | QuoteMiss): Quote {
  if (!isQuote(x)) throw new Error(`no quote: ${x.detail}`);
  return x;
}

describe("recorded market", () => {
  it("quotes the latest recorded row at or before the second, never a later one, with the asks at the stated depth", () => {
    const m = new RecordedMarket(tape({ [W.ticker]: [q(W.open + 60, 4000, 4300), q(W.open + 120, 4500, 4700)] }, { [W.ticker]: { result: "yes", strikeCents: 7_000_012 } }), { depth: 50, maxAgeSeconds: 120 });
    expect(m.quote(W.open + 59, W, 0.5)).toEqual({ kind: "miss", why: "missing", detail: `no recorded quote for ${W.ticker} yet` });
    const first: Quote = { ticker: W.ticker, source: "kalshi-recorded", yes: { bid: 4000, asks: [{ price: 4300, size: 50 }] }, no: { bid: 5700, asks: [{ price: 6000, size: 50 }] } };
    expect(m.quote(W.open + 60, W, 0.5)).toEqual(first);
    expect(m.officialStrike(W.ticker)).toBe(7_000_012);
    expect(m.quote(W.open + 119, W, 0.9)).toEqual(first); // the fair value is not used
    expect(quoted(m.quote(W.open + 120, W, 0.5)).yes.asks[0]!.price).toBe(4700);
    expect(m.quote(W.open + 90, W, 0.5)).toEqual(first); // asking about an earlier second again
    expect(m.counters).toMatchObject({ lookups: 5, quotes: 4, missing: 1 });
  });

  it("gives no quote for an unknown window, a stale row, an empty book or a crossed one, and says why", () => {
    const m = new RecordedMarket(tape({ [W.ticker]: [q(W.open, 4000, 4300), q(W.open + 300, null, null), q(W.open + 360, 5000, 5000), q(W.open + 420, null, 3000)] }), { depth: 10, maxAgeSeconds: 120 });
    expect(isQuote(m.quote(W.open + 120, W, 0.5))).toBe(true);
    expect(m.quote(W.open + 121, W, 0.5)).toMatchObject({ why: "stale", detail: expect.stringMatching(/recorded 121 s before/) });
    expect(m.quote(W.open + 300, W, 0.5)).toMatchObject({ why: "empty" });
    expect(m.quote(W.open + 360, W, 0.5)).toMatchObject({ why: "crossed" });
    // Only a YES ask: YES can be bought, NO cannot (nobody bids YES).
    const oneSided = quoted(m.quote(W.open + 420, W, 0.5));
    expect(oneSided.yes).toEqual({ bid: null, asks: [{ price: 3000, size: 10 }] });
    expect(oneSided.no).toEqual({ bid: 7000, asks: [] });
    expect(m.quote(NEXT.open + 5, NEXT, 0.5)).toMatchObject({ why: "missing", detail: expect.stringContaining(NEXT.ticker) });
    expect(m.counters).toMatchObject({ quotes: 2, stale: 1, empty: 1, crossed: 1, missing: 1 });
    expect([m.windowsAsked, m.windowsQuoted, m.windowsWithoutQuotes]).toEqual([2, 1, 1]);
  });

  it("releases the official result and settlement only from the close, the strike only from the open", () => {
    const m = new RecordedMarket(tape({}, { [W.ticker]: { result: "no", strikeCents: 7_000_012, settlementCents: 6_999_000 } }));
    expect(m.officialResult(W, W.close - 1)).toBeNull();
    expect(m.officialResult(W, W.close)).toBe("no");
    expect(m.officialSettlementCents(W, W.close - 1)).toBeNull();
    expect(m.officialSettlementCents(W, W.close)).toBe(6_999_000);
    expect(m.strikeCents(W, W.open - 1)).toBeNull();
    expect(m.strikeCents(W, W.open)).toBe(7_000_012);
    expect(m.officialResult(NEXT, NEXT.close + 60)).toBeNull();
  });

  it("fills paper orders at the quoted ask, NO at 1 − YES bid, partly beyond the assumed depth, with Kalshi's taker fee", () => {
    const m = new RecordedMarket(tape({ [W.ticker]: [q(W.open, 4000, 4300)] }), { depth: 20, maxAgeSeconds: 120 });
    const quote = quoted(m.quote(W.open + 30, W, 0.5));
    const intent = (side: "yes" | "no", contracts: number): OrderIntent => ({ kind: "trade", side, contracts, price: 0, limitPrice: 9900, budget: 1_000_000, pSide: 0.7, edge: 0.1, confidence: 0.2, edges: { yes: null, no: null } });
    const yes = paperFill(intent("yes", 5), quote, 700)!;
    expect(yes).toMatchObject({ contracts: 5, levels: [{ price: 4300, contracts: 5 }], cost: 21_500, fee: takerFeeAt(5, 4300, 700) });
    const no = paperFill(intent("no", 35), quote, 700)!;
    expect(no).toMatchObject({ contracts: 20, levels: [{ price: 6000, contracts: 20 }], fee: takerFeeAt(20, 6000, 700) });
  });

  it("sorts a tape given out of order and refuses a nonsensical depth", () => {
    const m = new RecordedMarket(tape({ [W.ticker]: [q(W.open + 120, 5000, 5200), q(W.open, 4000, 4300)] }));
    expect(quoted(m.quote(W.open + 60, W, 0.5)).yes.bid).toBe(4000);
    expect(() => new RecordedMarket(tape({}), { depth: 0, maxAgeSeconds: 120 })).toThrow(/depth/);
  });
});

describe("recorded market: no look-ahead", () => {
  /** A random recording: three windows, a row most minutes, sometimes an empty or crossed book. */
  function recording(seed: number): Record<string, RecordedQuote[]> {
    const u = rng(seed);
    const out: Record<string, RecordedQuote[]> = {};
    for (let k = 0; k < 3; k++) {
      const w = windowAt(W.open + k * 900);
      const rows: RecordedQuote[] = [];
      for (let t = w.open; t < w.close; t += 60) {
        if (u() < 0.15) continue;
        const bid = 100 * Math.floor(1 + u() * 97);
        const kind = u();
        rows.push(kind < 0.05 ? q(t, null, null) : kind < 0.08 ? q(t, bid, bid) : q(t, bid, bid + 100 * Math.ceil(u() * 3)));
      }
      out[w.ticker] = rows;
    }
    return out;
  }

  /** Every answer (quote and reason) for every `step`th second from the first window's open up to `until`. */
  function answers(m: RecordedMarket, until: number, step = 7): unknown[] {
    const out: unknown[] = [];
    for (let t = W.open; t <= until; t += step) {
      const w = windowAt(t);
      out.push([t, m.quote(t, w, 0.5)]);
    }
    return out;
  }

  it("changing, removing or adding later rows does not change any earlier answer", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const base = recording(seed);
      const cut = W.open + 200 + seed * 97; // somewhere in the three windows
      const before = answers(new RecordedMarket(tape(base)), cut);
      const u = rng(1000 + seed);
      const altered: Record<string, RecordedQuote[]> = {};
      for (const [ticker, rows] of Object.entries(base)) {
        altered[ticker] = rows
          .filter((r) => r.t <= cut || u() < 0.5)
          .map((r) => (r.t > cut ? q(r.t, r.bid === null ? 5000 : Math.max(100, r.bid - 300), 9900) : r));
        altered[ticker].push(q(cut + 1, 100, 200), q(cut + 2, null, null));
      }
      const after = answers(new RecordedMarket(tape(altered)), cut);
      expect(after).toEqual(before);
      // The alteration matters later on, so the comparison above could have failed.
      expect(answers(new RecordedMarket(tape(altered)), cut + 900)).not.toEqual(answers(new RecordedMarket(tape(base)), cut + 900));
    }
  });

  it("holds through the reader: moving later rows elsewhere in the files, or changing them, leaves earlier quotes alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-nolook-"));
    const head = "minute_ts,ticker,yes_bid,yes_ask\n";
    const rows: string[] = [];
    for (let t = W.open; t < W.close; t += 60) rows.push(`${t},${W.ticker},0.${40 + (t - W.open) / 60},0.${45 + (t - W.open) / 60}`);
    const cut = W.open + 470; // between two rows
    const early = rows.filter((r) => Number(r.split(",")[0]) <= cut);
    const late = rows.filter((r) => Number(r.split(",")[0]) > cut);
    writeFileSync(join(dir, "a.csv"), head + rows.join("\n") + "\n");
    const changedLate = late.map((r) => r.replace(/,0\.\d+,0\.\d+$/, ",0.10,0.90"));
    writeFileSync(join(dir, "b1.csv"), head + [...changedLate].reverse().join("\n") + "\n"); // later rows first, changed
    writeFileSync(join(dir, "b2.csv"), head + early.join("\n") + "\n");
    const original = new RecordedMarket(await readQuoteFiles([join(dir, "a.csv")]));
    const moved = new RecordedMarket(await readQuoteFiles([join(dir, "b1.csv"), join(dir, "b2.csv")]));
    expect(answers(moved, cut, 1)).toEqual(answers(original, cut, 1));
    expect(quoted(moved.quote(cut + 10, W, 0.5)).yes.bid).toBe(1000);
    expect(quoted(original.quote(cut + 10, W, 0.5)).yes.bid).not.toBe(1000);
  });
});

describe("recorded market: when a row becomes usable", () => {
  it("uses a row labelled L only from L + the quote delay, and ages it from then", () => {
    const rows = { [W.ticker]: [q(W.open + 60, 4000, 4300), q(W.open + 120, 4500, 4700)] };
    const now = new RecordedMarket(tape(rows), { depth: 10, maxAgeSeconds: 120 });
    const late = new RecordedMarket(tape(rows), { depth: 10, maxAgeSeconds: 120, quoteDelaySeconds: 10 });
    expect(quoted(now.quote(W.open + 60, W, 0.5)).yes.bid).toBe(4000);
    expect(late.quote(W.open + 69, W, 0.5)).toMatchObject({ why: "missing" });
    expect(quoted(late.quote(W.open + 70, W, 0.5)).yes.bid).toBe(4000);
    // The second row, labelled 120, is not yet known at 125 with a 10-s delay: the first still holds.
    expect(quoted(late.quote(W.open + 125, W, 0.5)).yes.bid).toBe(4000);
    expect(quoted(late.quote(W.open + 130, W, 0.5)).yes.bid).toBe(4500);
    // Stale 120 s after it became usable, not after its label.
    expect(isQuote(late.quote(W.open + 250, W, 0.5))).toBe(true);
    expect(late.quote(W.open + 251, W, 0.5)).toMatchObject({ why: "stale", detail: expect.stringMatching(/recorded 121 s before/) });
    expect(() => new RecordedMarket(tape(rows), { depth: 10, maxAgeSeconds: 120, quoteDelaySeconds: -1 })).toThrow(/whole seconds/);
  });
});
