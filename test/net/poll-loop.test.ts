// The shared poll loop on a scripted clock (vitest's fake timers move Date and setTimeout together).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PollLoop } from "../../src/net/poll-loop.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A round that takes `ms` of (fake) time and answers with the next outcome in the script (then true). */
function scriptedRound(ms: number, outcomes: (boolean | Error)[] = []) {
  const starts: number[] = [];
  let inFlight = 0;
  let most = 0;
  const round = async (): Promise<boolean> => {
    starts.push(Date.now());
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    const next = outcomes.shift() ?? true;
    if (next instanceof Error) throw next;
    return next;
  };
  return { round, starts, most: () => most };
}

/** Stops the loop, letting (fake) time run so the round in flight can finish. */
async function stopLoop(loop: PollLoop): Promise<void> {
  const stopping = loop.stop();
  await vi.advanceTimersByTimeAsync(1000);
  await stopping;
}

describe("poll loop", () => {
  it("starts a round every interval, counted from the start of the previous round", async () => {
    const r = scriptedRound(30);
    const loop = new PollLoop(r.round, { intervalMs: 100, backoffMaxMs: 1000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(450);
    expect(r.starts).toEqual([0, 100, 200, 300, 400]);
    await stopLoop(loop);
  });

  it("never has two rounds in flight: a round slower than the interval is followed at once", async () => {
    const r = scriptedRound(250);
    const loop = new PollLoop(r.round, { intervalMs: 100, backoffMaxMs: 1000 });
    loop.start();
    loop.start(); // a second start is ignored
    await vi.advanceTimersByTimeAsync(1000);
    // Each round follows the last one's end with no wait (a zero timeout is 1 ms in Node).
    expect(r.starts).toEqual([0, 251, 502, 753]);
    expect(r.most()).toBe(1);
    await stopLoop(loop);
  });

  it("backs off after failures with the shared backoff (from the failed round's end), and resets after a success", async () => {
    // Jitter pinned to the full wait: 2×interval, doubling, capped at 1 s; never below the interval.
    const r = scriptedRound(10, [false, false, new Error("a bug in the round"), false, false, true, false]);
    const loop = new PollLoop(r.round, { intervalMs: 100, backoffMaxMs: 1000, random: () => 1 });
    loop.start();
    await vi.advanceTimersByTimeAsync(5000);
    const gaps = r.starts.slice(1, 8).map((t, i) => t - r.starts[i]!);
    // Each failure waits 10 ms for the round, then 200, 400, 800, 1000, 1000; a rejection is a failure too.
    // The success waits the interval; the failure after it starts again from 200.
    expect(gaps).toEqual([210, 410, 810, 1010, 1010, 100, 210]);
    await stopLoop(loop);
  });

  it("stop() cancels the next round and waits for the one in flight", async () => {
    let finish: (ok: boolean) => void = () => {};
    let rounds = 0;
    const loop = new PollLoop(
      () => {
        rounds++;
        return new Promise<boolean>((resolve) => (finish = resolve));
      },
      { intervalMs: 100, backoffMaxMs: 1000 },
    );
    loop.start();
    expect(rounds).toBe(1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false); // the round is still in flight
    finish(true);
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(1);
  });

  it("started again while its last round is in flight, goes on after that round without overlapping it", async () => {
    const r = scriptedRound(250);
    const loop = new PollLoop(r.round, { intervalMs: 100, backoffMaxMs: 1000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(50);
    void loop.stop();
    loop.start();
    await vi.advanceTimersByTimeAsync(600);
    expect(r.starts).toEqual([0, 251, 502]);
    expect(r.most()).toBe(1);
    await stopLoop(loop);
  });
});
