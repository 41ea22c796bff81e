import { describe, expect, it } from "vitest";
import { Scorecard, meanInterval } from "../../src/report/scorecard.ts";

describe("Scorecard intervals", () => {
  it("gives the mean over windows with a t-interval that narrows as windows add up", () => {
    const few = meanInterval([0.1, 0.3]);
    expect(few.mean).toBeCloseTo(0.2, 12);
    // t(0.975, 1) = 12.706: half-width 12.706 × 0.1414 / √2
    expect(few.ci95![1] - few.mean).toBeCloseTo(12.7062 * 0.1, 3);
    const many = meanInterval(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 0.1 : 0.3)));
    expect(many.ci95![1] - many.ci95![0]).toBeLessThan(0.03);
    expect(meanInterval([0.5]).ci95).toBeNull();
  });

  it("pairs two forecasters window by window on the same checkpoints", () => {
    const card = new Scorecard(["a", "b"]);
    // Window 1 settles up: a says 0.8, b 0.6 at minute 5. Window 2 settles down: a 0.3, b 0.4.
    card.record(900, 5, [0.8, 0.6]);
    card.resolve(900, true);
    card.record(1800, 5, [0.3, 0.4]);
    card.resolve(1800, false);
    const d = card.brierDifference("a", "b", 5);
    // (0.04 − 0.16) and (0.09 − 0.16): mean −0.095
    expect(d.mean).toBeCloseTo(-0.095, 12);
    expect(d.n).toBe(2);
    expect(card.brierInterval("a", 5).mean).toBeCloseTo(0.065, 12);
    // Overall: one value per window, the mean of its checkpoints.
    card.record(2700, 10, [0.5, 0.5]);
    card.record(2700, 2, [1, 0]);
    card.resolve(2700, true);
    expect(card.brierInterval("b").n).toBe(3);
    expect(card.brierInterval("b").mean).toBeCloseTo((0.16 + 0.16 + (0.25 + 1) / 2) / 3, 12);
    expect(card.brierInterval("a", 10).n).toBe(1);
  });

  it("leaves unresolved and unsettled windows out", () => {
    const card = new Scorecard(["a"]);
    card.record(900, 5, [0.7]);
    card.resolve(900, null);
    card.record(1800, 5, [0.7]);
    expect(card.brierInterval("a").n).toBe(0);
    expect(Number.isNaN(card.brierInterval("a").mean)).toBe(true);
  });
});
