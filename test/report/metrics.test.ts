import { describe, expect, it } from "vitest";
import { Calibration, LOG_LOSS_EPS, ProbabilityScore } from "../../src/report/metrics.ts";
import { Scorecard } from "../../src/report/scorecard.ts";

describe("forecast scores", () => {
  it("computes Brier and log loss", () => {
    const s = new ProbabilityScore();
    s.add(0.8, true);
    s.add(0.3, false);
    expect(s.brier).toBeCloseTo((0.04 + 0.09) / 2, 12);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    expect(new ProbabilityScore().brier).toBeNaN();
  });

  it("caps the log loss of a certain forecast that was wrong", () => {
    const s = new ProbabilityScore();
    s.add(0, true);
    expect(s.logLoss).toBeCloseTo(-Math.log(LOG_LOSS_EPS), 12);
  });

  it("gives a coin flip 0.25 and ln 2", () => {
    const s = new ProbabilityScore();
    for (let i = 0; i < 10; i++) s.add(0.5, i % 3 === 0);
    expect(s.brier).toBe(0.25);
    expect(s.logLoss).toBeCloseTo(Math.LN2, 12);
  });

  it("bins forecasts for calibration", () => {
    const c = new Calibration(10);
    c.add(0.05, false);
    c.add(0.15, true);
    c.add(0.19, false);
    c.add(1, true);
    const t = c.table();
    expect(t.map((b) => [b.lo, b.hi, b.n, b.freq])).toEqual([
      [0, 0.1, 1, 0],
      [0.1, 0.2, 2, 0.5],
      [0.9, 1, 1, 1],
    ]);
    expect(t[1]!.mean_p).toBeCloseTo(0.17, 12);
  });

  it("scores a window's checkpoints when it settles and drops windows that cannot settle", () => {
    const sc = new Scorecard(["a", "b"]);
    sc.record(900, 10, [0.9, 0.5]);
    sc.record(900, 5, [0.8, 0.5]);
    sc.record(1800, 10, [0.1, 0.5]);
    sc.resolve(900, true);
    sc.resolve(1800, null);
    const a = sc.score("a");
    expect(a.n).toBe(2);
    expect(a.windows).toBe(1);
    expect(a.brier).toBeCloseTo((0.01 + 0.04) / 2, 12);
    expect(a.brier_by_minutes_to_close["10"]).toBeCloseTo(0.01, 12);
    expect(a.brier_by_minutes_to_close["2"]).toBeNaN();
    expect(sc.score("b").brier).toBe(0.25);
  });
});
