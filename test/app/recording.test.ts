import { fsyncSync, ftruncateSync, mkdtempSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SessionRecorder } from "../../src/app/recording/recorder.ts";
import { type ReadCounters, findSessions, readRecording } from "../../src/app/recording/reader.ts";
import { parseConfig } from "../../src/config/load.ts";
import { UserError } from "../../src/domain/errors.ts";
import type { FileOps } from "../../src/store/file-ops.ts";

const config = parseConfig({});
const T0 = Date.parse("2026-11-26T12:59:50Z");
const counters = (): ReadCounters => ({ lines: 0, ticks: 0, skipped: 0, problems: [] });

function recorder(dir: string, clock: { t: number }) {
  return new SessionRecorder({
    dir,
    rotate: "hour",
    now: () => clock.t,
    flushMs: 1000,
    header: { btc15_version: "0.0.0-test", config, market: "kalshi", settlement: "official", mode: "paper", journal_at_start: [{ type: "account", t: 1, ts: "1970-01-01T00:00:01Z", balance: "200.0000" }] },
  });
}

async function lines(path: string, c = counters()) {
  const out = [];
  for await (const l of readRecording(path, c)) out.push(l);
  return out;
}

describe("session recordings", () => {
  it("rotates by the hour, each file opening with a header; only the first carries the starting journal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-rec-"));
    const clock = { t: T0 };
    const r = recorder(dir, clock);
    for (let s = 0; s < 20; s++) {
      clock.t = T0 + s * 1000;
      r.event({ type: "second", second: T0 / 1000 + s, cents: 6_400_000 + s, carried: false });
      r.tick({ type: "tick", s: "coinbase", p: 64_000 + s, r: clock.t, v: clock.t - 3, q: 0.01 });
      r.flush();
    }
    r.close();
    const files = readdirSync(r.folder).sort();
    expect(files).toEqual(["0000-20261126T12.jsonl.gz", "0000-20261126T12.ticks.jsonl.gz", "0001-20261126T13.jsonl.gz", "0001-20261126T13.ticks.jsonl.gz"]);
    const [sessions] = [await findSessions([dir])];
    expect(sessions).toHaveLength(1);
    const s = sessions[0]!;
    expect(s.files.map((f) => f.header.part)).toEqual([0, 1]);
    expect(s.files[0]!.header.journal_at_start).toHaveLength(1);
    expect(s.files[1]!.header.journal_at_start).toBeUndefined();
    expect(s.header).toMatchObject({ type: "header", schema: 2, btc15_version: "0.0.0-test", market: "kalshi", mode: "paper" });
    // Every event once, in order, across the two files; the raw ticks in files of their own.
    const c = counters();
    const all = [...(await lines(s.files[0]!.path, c)), ...(await lines(s.files[1]!.path, c))];
    const seconds = all.filter((l) => l.type === "second").map((l) => (l as { second: number }).second);
    expect(seconds).toEqual(Array.from({ length: 20 }, (_, i) => T0 / 1000 + i));
    expect(c.ticks).toBe(0);
    const tickFiles = files.filter((f) => f.includes(".ticks."));
    const tc = counters();
    for (const f of tickFiles) await lines(join(r.folder, f), tc);
    expect(tc.ticks).toBe(20);
    expect(r.counters).toMatchObject({ events: 20, ticks: 20, files: 2, failures: 0 });
  });

  it("a file cut off by a crash gives everything before the cut, and says where it stopped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-rec-"));
    const clock = { t: T0 };
    const r = recorder(dir, clock);
    for (let s = 0; s < 5; s++) {
      r.event({ type: "second", second: T0 / 1000 + s, cents: 6_400_000, carried: false });
      r.flush(true); // one gzip member per second
    }
    r.close();
    const file = join(r.folder, readdirSync(r.folder)[0]!);
    truncateSync(file, statSync(file).size - 20); // the last member loses its end, as under kill -9
    const c = counters();
    const got = await lines(file, c);
    const seconds = got.filter((l) => l.type === "second");
    expect(seconds.length).toBeGreaterThanOrEqual(4);
    expect(seconds.length).toBeLessThan(5);
    expect(c.problems.join("\n")).toMatch(/read stopped early|not JSON/);
  });

  it("refuses what it cannot replay, with a clear message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-rec-"));
    writeFileSync(join(dir, "x.jsonl.gz"), gzipSync('{"type":"second","second":1,"cents":1,"carried":false}\n'));
    await expect(findSessions([dir])).rejects.toThrow(/not a btc15 session recording \(no header\)/);
    writeFileSync(join(dir, "x.jsonl.gz"), gzipSync(JSON.stringify({ type: "header", schema: 99, session: "S", part: 0 }) + "\n"));
    await expect(findSessions([dir])).rejects.toThrow(/recorded by a newer btc15 \(format 99/);
    await expect(findSessions([join(dir, "nope")])).rejects.toBeInstanceOf(UserError);
    await expect(findSessions([mkdtempSync(join(tmpdir(), "btc15-empty-"))])).rejects.toThrow(/no session recordings/);
  });
});

describe("a recording's lines are checked before a replay trusts them", () => {
  it("skips a damaged line and names its file, line and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-rec-"));
    const clock = { t: T0 };
    const r = recorder(dir, clock);
    r.event({ type: "second", second: T0 / 1000, cents: 6_400_000, carried: false });
    // A book whose price is a string, a second without its price, a line of an unknown type.
    r.event({ type: "book", ticker: "KXBTC15M-26NOV260815-15", requestedMs: T0, receivedMs: T0, book: { yes: [{ price: "0.42" as unknown as number, size: 10 }], no: [] } });
    r.event({ type: "second", second: T0 / 1000 + 1, carried: false } as never);
    r.event({ type: "mystery" } as never);
    r.event({ type: "second", second: T0 / 1000 + 2, cents: 6_400_001, carried: false });
    r.close();
    const file = join(r.folder, readdirSync(r.folder).find((f) => !f.includes(".ticks."))!);
    const c = counters();
    const got = await lines(file, c);
    expect(got.filter((l) => l.type === "second").map((l) => (l as { cents: number }).cents)).toEqual([6_400_000, 6_400_001]);
    expect(got.some((l) => l.type === "book")).toBe(false);
    expect(c.skipped).toBe(3);
    // Line 1 is the header.
    expect(c.problems[0]).toBe(`${file}:3: not a valid "book" line (book.yes.0.price: Invalid input: expected number, received string)`);
    expect(c.problems[1]).toMatch(new RegExp(`^${file}:4: not a valid "second" line \\(cents: `));
    expect(c.problems[2]).toMatch(new RegExp(`^${file}:5: not a valid "mystery" line \\(type: `));
  });
});

describe("a recording on a disk that fills", () => {
  it("keeps what it could not write, never leaves half a gzip member, and writes it all once the disk takes writes again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-rec-"));
    const clock = { t: T0 };
    let full = false;
    // A disk that takes 10 bytes of a write, then refuses: a member cut short, as a filling disk leaves it.
    const ops: FileOps = {
      write: (fd, data, offset, length) => {
        if (full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return writeSync(fd, data, offset, length);
      },
      fsync: (fd) => fsyncSync(fd),
      truncate: (fd, length) => ftruncateSync(fd, length),
    };
    let partial = false;
    const filling: FileOps = { ...ops, write: (fd, data, offset, length) => (partial && !full ? ((full = true), writeSync(fd, data, offset, Math.min(10, length))) : ops.write(fd, data, offset, length)) };
    const r = new SessionRecorder({ dir, rotate: "hour", now: () => clock.t, header: { btc15_version: "0.0.0-test", config, market: "synthetic", settlement: "proxy", mode: "paper" }, ops: filling });
    r.open();
    for (let s = 0; s < 3; s++) r.event({ type: "second", second: T0 / 1000 + s, cents: 6_400_000 + s, carried: false });
    r.flush(true);
    partial = true;
    for (let s = 3; s < 6; s++) r.event({ type: "second", second: T0 / 1000 + s, cents: 6_400_000 + s, carried: false });
    r.flush(true);
    r.flush(true);
    expect(r.counters.failures).toBe(2);
    expect(r.takeError()).toMatch(/ENOSPC/);
    full = false;
    partial = false;
    for (let s = 6; s < 8; s++) r.event({ type: "second", second: T0 / 1000 + s, cents: 6_400_000 + s, carried: false });
    r.close();
    const file = join(r.folder, readdirSync(r.folder).find((f) => !f.includes(".ticks."))!);
    const c = counters();
    const seconds = (await lines(file, c)).filter((l) => l.type === "second").map((l) => (l as { second: number }).second - T0 / 1000);
    expect(seconds).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(c.problems).toEqual([]);
    expect(r.counters).toMatchObject({ events: 8, dropped: 0 });
  });
});
