import { describe, expect, it } from "vitest";
import { WindowTracker, type ClosedWindow } from "../../src/engine/window-tracker.ts";
import { PriceHistory } from "../../src/model/price-history.ts";

const OPEN = 1_777_314_600; // 2026-04-27 18:30 UTC

/** Runs the tracker over per-second prices (cents) starting at `start`; returns the closed windows. */
function run(start: number, prices: (s: number) => number): { closed: ClosedWindow[]; tracker: WindowTracker } {
  const h = new PriceHistory(120);
  const t = new WindowTracker("KXBTC15M");
  const closed: ClosedWindow[] = [];
  for (let s = start; s < OPEN + 900; s++) {
    const c = prices(s);
    h.push(s, c, false);
    const w = t.advance(s, c, h);
    if (w) closed.push(w);
  }
  return { closed, tracker: t };
}

describe("strike and settlement from one-second prices", () => {
  it("takes the strike from the 60 seconds before the open and settles on the 60 before the close", () => {
    // Prices are the second's offset: the strike is the mean of OPEN−60 … OPEN−1.
    const price = (s: number) => 10_000_000 + (s - OPEN) * 3;
    const { closed } = run(OPEN - 900, price);
    const [before, win] = closed;
    expect(before!.window.close).toBe(OPEN);
    expect(win!.window.ticker).toBe("KXBTC15M-26APR271445-45");
    const mean = (from: number) => Math.floor((2 * Array.from({ length: 60 }, (_, i) => price(from + i)).reduce((a, b) => a + b, 0) + 60) / 120);
    expect(win!.strikeCents).toBe(mean(OPEN - 60));
    expect(win!.settlementCents).toBe(mean(OPEN + 840));
    expect(before!.settlementCents).toBe(win!.strikeCents); // one average settles one window and strikes the next
    expect(win!.result).toBe("yes");
  });

  it("calls a tie YES", () => {
    const { closed } = run(OPEN - 900, (s) => (s >= OPEN - 60 && s < OPEN ? 6_483_926 : s >= OPEN + 840 ? 6_483_926 : 6_400_000));
    expect(closed[1]!.strikeCents).toBe(6_483_926);
    expect(closed[1]!.settlementCents).toBe(6_483_926);
    expect(closed[1]!.result).toBe("yes");
  });

  it("calls a settlement one cent below the strike NO", () => {
    const { closed } = run(OPEN - 900, (s) => (s >= OPEN - 60 && s < OPEN ? 6_483_926 : s >= OPEN + 840 ? 6_483_925 : 6_400_000));
    expect(closed[1]!.result).toBe("no");
  });

  it("gives no strike to a window whose opening minute was not fully seen", () => {
    // Joined 30 s before OPEN: the window closing at OPEN was joined midway, and only half of the
    // minute before OPEN was seen, so neither window can be settled or traded.
    const { closed } = run(OPEN - 30, () => 5_000_000);
    expect(closed.map((w) => [w.window.close, w.strikeCents, w.result])).toEqual([
      [OPEN, null, null],
      [OPEN + 900, null, null],
    ]);
  });
});
