import { describe, expect, it } from "vitest";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { windowAt } from "../../src/domain/window.ts";

const w = windowAt(1_777_314_600);

describe("synthetic market", () => {
  it("quotes YES and NO around the fair value with the configured spread on a 1¢ grid", () => {
    const q = new SyntheticMarket({ spread: 200, depth: 500 }).quote(0, w, 0.5);
    expect(q.yes).toEqual({ bid: 4900, asks: [{ price: 5100, size: 500 }] });
    expect(q.no).toEqual({ bid: 4900, asks: [{ price: 5100, size: 500 }] });
    const r = new SyntheticMarket({ spread: 200, depth: 500 }).quote(0, w, 0.734);
    expect(r.yes.asks[0]!.price).toBe(7500); // ceil(74.4)
    expect(r.yes.bid).toBe(7200); // floor(72.4)
    expect(r.no.asks[0]!.price).toBe(10_000 - 7200);
  });

  it("stays inside 1¢–99¢", () => {
    const hi = new SyntheticMarket({ spread: 200, depth: 1 }).quote(0, w, 0.9999);
    expect(hi.yes.asks[0]!.price).toBe(9900);
    expect(hi.no.asks[0]!.price).toBeGreaterThanOrEqual(100);
    const lo = new SyntheticMarket({ spread: 200, depth: 1 }).quote(0, w, 0.00001);
    expect(lo.yes.bid).toBe(100);
    expect(lo.no.asks[0]!.price).toBeLessThanOrEqual(9900);
  });

  it("adds a reproducible mean-reverting mispricing only when asked", () => {
    const mids = (m: SyntheticMarket) => Array.from({ length: 2000 }, (_, t) => m.quote(t, w, 0.5).yes.asks[0]!.price - 100);
    const plain = mids(new SyntheticMarket({ spread: 200, depth: 1 }));
    expect(new Set(plain).size).toBe(1);
    const params = { spread: 200, depth: 1, mispricing: { sd: 0.03, halfLifeSeconds: 60, seed: 7 } };
    const a = mids(new SyntheticMarket(params));
    expect(a).toEqual(mids(new SyntheticMarket(params)));
    const dev = a.map((p) => p / 10_000 - 0.5);
    const sd = Math.sqrt(dev.reduce((s, d) => s + d * d, 0) / dev.length);
    expect(sd).toBeGreaterThan(0.015);
    expect(sd).toBeLessThan(0.05);
  });
});
