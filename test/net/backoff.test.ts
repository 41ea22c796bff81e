import { describe, expect, it } from "vitest";
import { Backoff } from "../../src/net/backoff.ts";

describe("backoff", () => {
  it("doubles from the base up to the cap, and starts again from the base after a reset", () => {
    const b = new Backoff(100, 1000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it("scales each wait by a jitter in [half, full]", () => {
    expect(new Backoff(100, 1000, () => 0).next()).toBe(50);
    expect(new Backoff(100, 1000, () => 0.5).next()).toBe(75);
    // With a real generator every wait stays within its step's bounds, and they differ.
    const b = new Backoff(100, 1000);
    const waits = Array.from({ length: 200 }, (_, i) => {
      if (i % 10 === 0) b.reset();
      return { step: (i % 10) + 1, wait: b.next() };
    });
    for (const { step, wait } of waits) {
      const full = Math.min(1000, 100 * 2 ** (step - 1));
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
    }
    expect(new Set(waits.filter((w) => w.step === 10).map((w) => w.wait)).size).toBeGreaterThan(1);
  });

  it("never overflows past the cap after very many attempts", () => {
    const b = new Backoff(1, 16_000, () => 1);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = b.next();
    expect(last).toBe(16_000);
  });
});
