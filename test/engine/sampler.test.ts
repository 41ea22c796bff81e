import { describe, expect, it } from "vitest";
import { Sampler, type SampleSink } from "../../src/engine/sampler.ts";

function recorder() {
  const seconds: [number, number, boolean][] = [];
  const gaps: [number, number][] = [];
  const sink: SampleSink = (e) => (e.type === "second" ? seconds.push([e.second, e.cents, e.carried]) : e.type === "gap" ? gaps.push([e.from, e.to]) : 0);
  return { sink, seconds, gaps };
}

describe("sampler: one price per second", () => {
  it("takes the last price seen in each second", () => {
    const r = recorder();
    const s = new Sampler(r.sink, { maxCarrySeconds: Infinity });
    s.tick(1_000_100, 100);
    s.tick(1_000_900, 101.5);
    s.tick(1_001_200, 102);
    s.flush();
    expect(r.seconds).toEqual([
      [1000, 10_150, false],
      [1001, 10_200, false],
    ]);
  });

  it("carries the last price through silent seconds and marks them", () => {
    const r = recorder();
    const s = new Sampler(r.sink, { maxCarrySeconds: 10 });
    s.observe(10, 50);
    s.observe(14, 51);
    s.flush();
    expect(r.seconds).toEqual([
      [10, 5000, false],
      [11, 5000, true],
      [12, 5000, true],
      [13, 5000, true],
      [14, 5100, false],
    ]);
    expect(s.counters.carried).toBe(3);
  });

  it("moves on with the clock when nothing arrives (live)", () => {
    const r = recorder();
    const s = new Sampler(r.sink, { maxCarrySeconds: Infinity });
    s.observe(10, 50);
    s.advanceTo(11);
    s.advanceTo(13);
    expect(r.seconds).toEqual([
      [10, 5000, false],
      [11, 5000, true],
      [12, 5000, true],
    ]);
    s.observe(13, 52);
    s.advanceTo(14);
    expect(r.seconds.at(-1)).toEqual([13, 5200, false]);
  });

  it("reports a silence longer than the carry limit as a gap", () => {
    const r = recorder();
    const s = new Sampler(r.sink, { maxCarrySeconds: 5 });
    s.observe(0, 10);
    s.observe(100, 11);
    s.flush();
    expect(r.seconds).toEqual([
      [0, 1000, false],
      [100, 1100, false],
    ]);
    expect(r.gaps).toEqual([[1, 100]]);
  });

  it("rejects nonsense and late prices, and counts them", () => {
    const r = recorder();
    const s = new Sampler(r.sink, { maxCarrySeconds: 5 });
    s.observe(5, 10);
    for (const bad of [Number.NaN, 0, -3, Infinity]) s.observe(6, bad);
    s.observe(6, 11);
    s.observe(4, 12); // already emitted
    s.flush();
    expect(r.seconds.map((x) => x[1])).toEqual([1000, 1100]);
    expect(s.counters.rejected).toBe(4);
    expect(s.counters.late).toBe(1);
  });
});
