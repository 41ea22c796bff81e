import { describe, expect, it } from "vitest";
import { barTiming } from "../../../src/app/research/fit/bar-timing.ts";
import { gaussian } from "../../helpers.ts";

const START = Date.parse("2026-03-15T00:00:00Z") / 1000;
const SECONDS = 2 * 86_400;

/** A one-second price path and the windows' official results from it: the mean of the 60 s before the close against the 60 s before the open. */
function market(seed: number) {
  const g = gaussian(seed);
  const price = new Float64Array(SECONDS);
  let p = 70_000;
  for (let i = 0; i < SECONDS; i++) price[i] = p = p * (1 + 0.0002 * g());
  const mean60 = (end: number) => {
    let s = 0;
    for (let i = end - 60; i < end; i++) s += price[i - START]!;
    return s / 60;
  };
  const results = new Map<number, boolean>();
  for (let close = START + 1800; close < START + SECONDS; close += 900) results.set(close, mean60(close) >= mean60(close - 900));
  return { price, results };
}

/** Minute closes stamped `offset` seconds from the bar's open (0: as the product reads them). */
function closes(price: Float64Array, offset: number): Map<number, number> {
  const m = new Map<number, number>();
  for (let open = START; open + 60 <= START + SECONDS; open += 60) m.set(open + offset, price[open + 59 - START]!);
  return m;
}

describe("the timing check of a minute-bar file against official results", () => {
  const { price, results } = market(3);

  it("finds a file stamped by bar opens where the product expects it", () => {
    const t = barTiming(closes(price, 0), results);
    expect(t.best).toBe(0);
    expect(t.windows).toBeGreaterThan(180);
    const at = (s: number) => t.agreement.find((a) => a.shiftMinutes === s)!.rate;
    expect(at(0)).toBeGreaterThan(at(1));
    expect(at(0)).toBeGreaterThan(at(-1));
    expect(at(1)).toBeGreaterThan(at(2)); // agreement falls away from the right stamp
  });

  it("finds a file stamped by bar closes a minute late (the product then lags a minute more)", () => {
    expect(barTiming(closes(price, 60), results).best).toBe(1);
  });

  it("finds a file stamped a minute early (the product would see prices before their time)", () => {
    expect(barTiming(closes(price, -60), results).best).toBe(-1);
  });

  it("carries a missing minute from the close before it, and counts only windows every shift can call", () => {
    const full = closes(price, 0);
    const holed = new Map([...full].filter(([t]) => (t - START) % 600 !== 0)); // one minute in ten missing
    const t = barTiming(holed, results);
    expect(t.windows).toBe(barTiming(full, results).windows);
    expect(t.best).toBe(0);
    const sparse = new Map([...full].filter(([t]) => (t - START) % 1200 === 0)); // 19 minutes in 20 missing
    expect(barTiming(sparse, results).windows).toBe(0);
  });
});
