// The settlement index itself (issue 16, item 0): Kalshi's cfbenchmarks channels read at the
// boundary, the 60 seconds Kalshi averages, and the index pricing each second while it is fresh.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { RunLog } from "../../src/app/console/run-log.ts";
import { TradingSession } from "../../src/app/drivers/session.ts";
import { findSessions, readRecording } from "../../src/app/recording/reader.ts";
import { SecondPricer, type SecondSink } from "../../src/app/venue/index-pricing.ts";
import { indexLine } from "../../src/app/venue/kalshi-status.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { SecondEvent } from "../../src/domain/events.ts";
import type { SecondNote } from "../../src/engine/sampler.ts";
import type { ClosedWindow } from "../../src/engine/window-tracker.ts";
import { IndexAverages } from "../../src/kalshi/index-averages.ts";
import { type IndexValue, readIndexFrame, settlementIndexOf } from "../../src/kalshi/index-frames.ts";
import { KalshiSocket } from "../../src/kalshi/socket.ts";
import { KalshiParseError } from "../../src/kalshi/wire.ts";
import { fiveHzFrame, meanCents, oneHzFrame, walkingIndex } from "../fakes/cf-index.ts";
import { type FakeKalshi, startFakeKalshi } from "../fakes/kalshi.ts";
import { ScriptedClock, testClient, until } from "./helpers.ts";

const C = 1_785_001_500; // a quarter-hour boundary (2026-07-25T17:45:00Z)

describe("Kalshi's cfbenchmarks frames", () => {
  it("reads the documented 1 Hz and 5 Hz examples into exact values, source times and averages", () => {
    // The AsyncAPI examples of cfbenchmarks_value and cfbenchmarks_value_5hz, verbatim.
    const one = readIndexFrame({
      type: "cfbenchmarks_value",
      sid: 1,
      seq: 42,
      msg: {
        index_id: "BRTI",
        received_at: 1710000000123,
        data: '{"type":"value","id":"BRTI","time":1710000000123,"value":"68000.12"}',
        avg_60s_data: { value: "68000.12000000", window_size: 3, window_start_ts_ms: 1709999940123, window_end_ts_exclusive: 1710000000123 },
        last_60s_windowed_average_15min: { value: "68000.23000000", window_size: 14, window_start_ts_ms: 1709999980000, window_end_ts_exclusive: 1710000000123 },
      },
    });
    expect(one).toEqual({
      channel: "1hz",
      indexId: "BRTI",
      sourceMs: 1710000000123,
      kalshiMs: 1710000000123,
      value: 680_001_200,
      avg60: { value: 680_001_200, size: 3, startMs: 1709999940123, endExclusiveMs: 1710000000123 },
      finalMinute: { value: 680_002_300, size: 14, startMs: 1709999980000, endExclusiveMs: 1710000000123 },
    });
    const five = readIndexFrame({
      type: "cfbenchmarks_value_5hz",
      sid: 1,
      seq: 42,
      msg: { index_id: "BRTI", value_usd: "68000.12000000", source_ts_ms: 1710000000323, received_at: 1710000000341, data: '{"type":"value","id":"BRTI","time":1710000000323,"value":"68000.12"}' },
    });
    expect(five).toMatchObject({ channel: "5hz", sourceMs: 1710000000323, value: 680_001_200, avg60: null, finalMinute: null });
    expect(readIndexFrame({ type: "orderbook_delta", msg: {} })).toBeNull();
    expect(() => readIndexFrame({ type: "cfbenchmarks_value", sid: 1, seq: 1, msg: { index_id: "BRTI", received_at: 1, data: "not json", avg_60s_data: null } })).toThrow(KalshiParseError);
    expect(settlementIndexOf("KXBTC15M")).toBe("BRTI");
    expect(settlementIndexOf("KXETH15M")).toBe("ETHUSD_RTI");
  });
});

describe("which 60 seconds Kalshi averages", () => {
  it("is the values stamped in (close − 60 s, close]: Kalshi's final-minute and trailing averages agree with that, not with [close − 60 s, close)", () => {
    const series = walkingIndex(C - 120, C + 5);
    const checks: number[] = [];
    const averages = new IndexAverages("BRTI", (c) => checks.push(c.close));
    for (const t of series.keys()) averages.onValue(readIndexFrame({ type: "cfbenchmarks_value", sid: 1, ...oneHzFrame(series, t, 1) })!);
    const kalshis = meanCents(series, C - 59, C);
    const before = meanCents(series, C - 60, C - 1);
    expect(kalshis).not.toBe(before); // the two readings give different settlements on this series
    expect(averages.last).toMatchObject({ close: C, count: 60, oursCents: kalshis, finalCents: kalshis, finalSize: 60, avg60Cents: kalshis });
    expect(averages.counters).toMatchObject({ complete: 1, finalAgree: 1, finalDisagree: 0, avg60Agree: 1, avg60Disagree: 0 });
    expect(checks).toEqual([C]);
  });
});

/** The sampler's surface, recording what the pricer asks of it. */
function recordingSink() {
  const calls: string[] = [];
  const sink: SecondSink = {
    tick: (ts, p) => void calls.push(`tick ${ts} ${p}`),
    observe: (s, p, _exact, note?: SecondNote) => void calls.push(`observe ${s} ${p}${note ? ` index proxy ${note.proxyCents}` : ""}`),
    advanceTo: (s) => void calls.push(`advance ${s}`),
  };
  return { sink, calls };
}

const iv = (sourceMs: number, dollars: number, channel: "1hz" | "5hz" = "1hz", indexId = "BRTI"): IndexValue => ({ channel, indexId, sourceMs, kalshiMs: sourceMs + 10, value: Math.round(dollars * 10_000), avg60: null, finalMinute: null });

describe("the price of each second with a key", () => {
  const S = C - 10;

  it("without any index value behaves as before: median ticks to the sampler, the clock closes the seconds", () => {
    const { sink, calls } = recordingSink();
    const p = new SecondPricer(sink, { indexId: "BRTI", startSecond: S, staleMs: 3000 });
    p.onMedian(S * 1000 + 300, 64_000.5);
    p.onClock((S + 1) * 1000 + 20);
    expect(calls).toEqual([`tick ${S * 1000 + 300} 64000.5`, `advance ${S + 1}`]);
    expect(p.mode).toBe("median");
  });

  it("fresh: the value stamped at a second's end prices it at once, with the median's price beside it", () => {
    const { sink, calls } = recordingSink();
    const p = new SecondPricer(sink, { indexId: "BRTI", startSecond: S, staleMs: 3000 });
    p.onMedian(S * 1000 + 400, 64_000.9);
    p.onIndex(iv((S + 1) * 1000, 64_000.12), (S + 1) * 1000 + 150);
    expect(calls.slice(-2)).toEqual([`observe ${S} 64000.12 index proxy 6400090`, `advance ${S + 1}`]);
    // The clock a second later leaves the next second open for its own index value.
    p.onClock((S + 2) * 1000 + 20);
    expect(calls.at(-1)).toBe(`advance ${S + 1}`);
    expect(p.counters).toMatchObject({ oneHzSeconds: 1, toIndex: 1, medianSeconds: 0 });
  });

  it("a missed 1 Hz value: the next one proves it is not coming and the median stands in; the 5 Hz channel does when the 1 Hz is quiet", () => {
    const { sink, calls } = recordingSink();
    const p = new SecondPricer(sink, { indexId: "BRTI", startSecond: S, staleMs: 3000 });
    p.onMedian(S * 1000 + 500, 64_001);
    p.onIndex(iv((S + 2) * 1000, 64_002), (S + 2) * 1000 + 100); // the value for S (stamped S+1) never came
    expect(calls).toContain(`observe ${S} 64001`);
    expect(calls).toContain(`observe ${S + 1} 64002 index proxy null`);
    // The 1 Hz channel goes quiet; the 5 Hz one goes on: its last value inside a second prices it.
    const t = (S + 10) * 1000;
    p.onIndex(iv(t + 600, 64_010.6, "5hz"), t + 620);
    p.onIndex(iv(t + 800, 64_010.8, "5hz"), t + 820);
    p.onIndex(iv(t + 1200, 64_011.2, "5hz"), t + 1220);
    expect(calls).toContain(`observe ${S + 10} 64010.8 index proxy null`);
    expect(p.counters.fiveHzSeconds).toBe(1);
  });

  it("stale: values that arrive long after their own time are not used; gone: after staleMs the median prices the seconds again", () => {
    const { sink, calls } = recordingSink();
    const p = new SecondPricer(sink, { indexId: "BRTI", startSecond: S, staleMs: 3000 });
    p.onIndex(iv((S + 1) * 1000, 64_000), (S + 1) * 1000 + 4_000);
    expect(p.counters.stale).toBe(1);
    expect(p.mode).toBe("median");
    p.onIndex(iv((S + 1) * 1000, 64_000), (S + 1) * 1000 + 50);
    expect(p.mode).toBe("index");
    // Nothing more from the index; the median's ticks keep arriving.
    for (let s = S + 1; s < S + 6; s++) p.onMedian(s * 1000 + 500, 64_100 + s - S);
    p.onClock((S + 3) * 1000 + 20);
    expect(p.mode).toBe("index"); // 2 s of silence: still within staleMs, seconds wait ≤ ~1 s then the median stands in
    expect(calls).toContain(`observe ${S + 1} 64101`);
    p.onClock((S + 5) * 1000 + 20);
    expect(p.mode).toBe("median");
    expect(p.counters.toMedian).toBe(1);
    p.onMedian((S + 5) * 1000 + 700, 64_106);
    expect(calls.at(-1)).toBe(`tick ${(S + 5) * 1000 + 700} 64106`);
  });
});

describe("the settlement index end to end (loopback Kalshi WebSocket → pricer → engine → recording)", () => {
  let fake: FakeKalshi;
  let socket: KalshiSocket | null = null;
  afterEach(async () => {
    await socket?.stop();
    await fake.close();
  });

  it("prices each second by the index, settles and strikes on Kalshi's 60 values, records both prices, and falls back when the index goes", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const clock = new ScriptedClock((C - 95) * 1000);
    fake = await startFakeKalshi({ now: () => clock.now(), publicKey });
    const client = testClient(fake.baseUrl, { key: { keyId: "k", privateKey } });
    const dir = mkdtempSync(join(tmpdir(), "btc15-index-"));
    const config = parseConfig({ dataDir: dir, engine: { predictionEverySeconds: 0 } });
    const closed: ClosedWindow[] = [];
    const session = new TradingSession({
      config,
      dataDir: dir,
      market: { kind: "synthetic" },
      settlement: "proxy",
      log: new RunLog({ file: null, out: new PassThrough(), colour: false, now: () => clock.now() }),
      fresh: false,
      maxCarrySeconds: Infinity,
      listeners: [{ onWindowClosed: (w) => closed.push(w) }],
      record: { market: "synthetic" },
    });
    const pricer = new SecondPricer(session.sampler, { indexId: "BRTI", startSecond: C - 91, staleMs: 3000 });
    const averages = new IndexAverages("BRTI");
    socket = new KalshiSocket({
      url: fake.wsUrl,
      headers: () => client.socketHeaders("/trade-api/ws/v2"),
      onBook: () => {},
      series: "KXBTC15M",
      clock,
      staleMs: 30_000,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
      useYesPrice: true,
      indexIds: ["BRTI"],
      onIndex: (v, receivedMs) => {
        averages.onValue(v);
        pricer.onIndex(v, receivedMs);
      },
    });
    socket.start();
    await fake.waitFor(() => fake.wsCommands.filter((c) => String((c.params as { channels?: string[] }).channels) .startsWith("cfbenchmarks")).length === 2, 5_000, "index subscriptions");
    const subs = fake.wsCommands.filter((c) => String((c.params as { channels?: string[] }).channels).startsWith("cfbenchmarks")).map((c) => c.params);
    expect(subs).toEqual([
      { channels: ["cfbenchmarks_value"], index_ids: ["BRTI"] },
      { channels: ["cfbenchmarks_value_5hz"], index_ids: ["BRTI"] },
    ]);

    // The index on whole seconds; the exchange median 50¢ above it, ticking mid-second.
    const series = walkingIndex(C - 90, C + 3);
    let seq = 0;
    for (const [t, value] of series) {
      const s = t / 1000;
      clock.t = (s - 1) * 1000 + 500;
      pricer.onMedian(clock.t, value + 0.5);
      if (s === C - 59) {
        // A 5 Hz value inside a second that also gets its 1 Hz value: carried on the wire, the 1 Hz value wins.
        clock.t = t - 180;
        fake.pushChannel("cfbenchmarks_value_5hz", fiveHzFrame(t - 200, 1, 1));
        await until(() => socket!.counters.index5hz === 1, "a 5 Hz value");
      }
      clock.t = t + 40;
      fake.pushChannel("cfbenchmarks_value", oneHzFrame(series, t, ++seq));
      await until(() => socket!.counters.index1hz === seq, `index value ${seq}`);
    }
    expect(pricer.counters).toMatchObject({ oneHzSeconds: 94, fiveHzSeconds: 0, medianSeconds: 0, late: 0 });

    // The window closing at C settles on Kalshi's 60 values, and the next one's strike is the same average.
    const kalshis = meanCents(series, C - 59, C);
    const settled = closed.find((w) => w.window.close === C)!;
    expect(settled.settlementCents).toBe(kalshis);
    expect(session.engine.tracker.current).toMatchObject({ strikeCents: kalshis });
    expect(averages.last).toMatchObject({ close: C, oursCents: kalshis, finalCents: kalshis, finalSize: 60 });
    // The proxy's cross-check: 50¢ off on every second.
    expect(session.engine.indexCheck.counters).toMatchObject({ indexSeconds: 94, compared: 94, maxDiffCents: 50 });
    expect(session.engine.indexCheck.medianDiffCents()).toBe(50);
    expect(indexLine("BRTI", pricer, session.engine.indexCheck, averages)).toMatch(/^index: source BRTI; 94 seconds from the index, 0 stood in by the median; median − index: median \$0\.50, mean \$0\.50, max \$0\.50 over 94 seconds; Kalshi's final-minute average agreed with ours 1\/1/);

    // Gone: the socket closes and no value comes; after staleMs the median prices the seconds again.
    await socket.stop();
    socket = null;
    for (let s = C + 3; s < C + 8; s++) pricer.onMedian(s * 1000 + 500, 64_500);
    clock.t = (C + 8) * 1000 + 20;
    pricer.onClock(clock.t);
    expect(pricer.mode).toBe("median");
    expect(indexLine("BRTI", pricer, session.engine.indexCheck, averages)).toMatch(/^index: source exchange median \(BRTI stale\)/);
    await session.close();

    // The recording holds both prices of each index second, and the median's seconds after.
    const [recorded] = await findSessions([join(dir, "sessions")]);
    const seconds: SecondEvent[] = [];
    for await (const line of readRecording(recorded!.files[0]!.path, { lines: 0, ticks: 0, skipped: 0, problems: [] })) if (line.type === "second") seconds.push(line as SecondEvent);
    const at = (s: number) => seconds.find((e) => e.second === s)!;
    expect(at(C - 1)).toEqual({ type: "second", second: C - 1, cents: Math.round(series.get(C * 1000)! * 100), carried: false, source: "index", proxyCents: Math.round(series.get(C * 1000)! * 100) + 50 });
    expect(at(C + 5)).toEqual({ type: "second", second: C + 5, cents: 6_450_000, carried: false });
  });
});
