import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BarCsvParser } from "../../src/history/bars-csv.ts";
import { HistoryError, inspectHistoryFile, replayHistory } from "../../src/history/files.ts";
import { perSecondFromBars } from "../../src/history/per-second.ts";

const HEADER = "timestamp_unix_seconds,open,high,low,close,volume\n";
const GOOD = HEADER + "60,100,101,99,100.5,1\n120,100.5,102,100,101,2\n180,101,101,100,100,0.5\n";

function parse(text: string, chunks: string[] = [text]) {
  const bars: number[][] = [];
  const p = new BarCsvParser("f.csv", (...b) => bars.push(b));
  for (const c of chunks) p.push(c);
  p.end();
  return { bars, counters: p.counters };
}

describe("price history CSV", () => {
  it("reads bars whatever the chunking, with or without CRLF", () => {
    const whole = parse(GOOD).bars;
    expect(whole).toEqual([
      [60, 100, 101, 99, 100.5],
      [120, 100.5, 102, 100, 101],
      [180, 101, 101, 100, 100],
    ]);
    for (let cut = 1; cut < GOOD.length; cut++) expect(parse(GOOD, [GOOD.slice(0, cut), GOOD.slice(cut)]).bars).toEqual(whole);
    expect(parse(GOOD.replace(/\n/g, "\r\n")).bars).toEqual(whole);
    expect(parse(GOOD.trimEnd()).bars).toEqual(whole); // no newline at the end
  });

  it("skips and counts bad rows by reason, keeping line numbers", () => {
    const text =
      HEADER +
      "60,100,101,99,100,1\n" +
      "120,100,101,99\n" + // too few columns
      "180,abc,101,99,100,1\n" + // not a number
      "240,100,101,99,-5,1\n" + // negative
      "300,100,99,101,100,1\n" + // high below low
      "300,100,101,99,100,1\n" + // fine
      "300,100,101,99,100,1\n" + // duplicate
      "200,100,101,99,100,1\n" + // out of order
      "1733007600000,100,101,99,100,1\n" + // milliseconds
      "360,100,101,99,100\n"; // volume is optional
    const { bars, counters } = parse(text);
    expect(bars.map((b) => b[0])).toEqual([60, 300, 360]);
    expect(counters.skipped).toBe(7);
    expect(counters.reasons).toEqual({
      "fewer than 5 columns": 1,
      "price not a positive number": 2,
      "high/low do not bound open/close": 1,
      "duplicate timestamp": 1,
      "timestamp out of order": 1,
      "timestamp looks like milliseconds, not seconds": 1,
    });
    expect(counters.examples[0]).toBe("f.csv:3: fewer than 5 columns: 120,100,101,99");
  });
});

describe("prices no market makes", () => {
  it("skips a bar of 1e300 or a sudden jump, relative to the last accepted bar, and counts it", () => {
    const text =
      HEADER +
      "60,96000,96010,95990,96005,1\n" +
      "120,1e300,1e300,1e300,1e300,1\n" + // absurd
      "180,96005,96020,96000,96010,1\n" +
      "240,96010,96010,60000,96000,1\n" + // a wick: only open and close are read, and they are fine
      "300,9601000,9601000,9601000,9601000,1\n" + // ×100 (below the absolute cap): a jump
      "360,96000,96100,95900,96050,1\n" +
      "90360,80000,80000,80000,80000,1\n"; // −17 % after a day's gap: a move a day allows
    const { bars, counters } = parse(text);
    expect(bars.map((b) => b[0])).toEqual([60, 180, 240, 360, 90360]);
    expect(counters.reasons).toEqual({ "price above 10,000,000": 1, "price jumps more than 20% from the previous bar": 1 });
    expect(counters.firstLines).toEqual({ "price above 10,000,000": 3, "price jumps more than 20% from the previous bar": 6 });
  });
});

describe("one price per second from bars", () => {
  it("releases a minute bar's close at its last second, holding its open before it", () => {
    const seen: [number, number][] = [];
    const emit = perSecondFromBars(60, { observe: (s, p) => seen.push([s, p]) });
    emit(600, 100, 130, 90, 160);
    expect(seen).toHaveLength(60);
    expect(seen[0]).toEqual([600, 100]); // the open, seen in the bar's first second
    expect(seen[58]).toEqual([658, 100]);
    expect(seen[59]).toEqual([659, 160]); // the close: known when the bar's last second ends
  });

  it("uses a one-second bar's close for that second", () => {
    const seen: [number, number][] = [];
    perSecondFromBars(1, { observe: (s, p) => seen.push([s, p]) })(10, 1, 3, 1, 2);
    expect(seen).toEqual([[10, 2]]);
  });
});

describe("history files", () => {
  const dir = mkdtempSync(join(tmpdir(), "btc15-history-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("learns the bar length from the first rows", () => {
    expect(inspectHistoryFile(file("m.csv", GOOD)).barSeconds).toBe(60);
    expect(inspectHistoryFile(file("s.csv", HEADER + "10,1,1,1,1,1\n11,1,1,1,1,1\n14,1,1,1,1,1\n")).barSeconds).toBe(1);
  });

  it("explains a file with no usable rows", () => {
    expect(() => inspectHistoryFile(file("bad.csv", "date,price\n2024-01-01,5\n"))).toThrow(HistoryError);
    expect(() => inspectHistoryFile(join(dir, "missing.csv"))).toThrow(/cannot read .*ENOENT/);
  });

  it("replays files oldest first and never replays a bar twice", async () => {
    const later = file("b.csv", HEADER + "180,1,1,1,1,1\n240,1.1,1.1,1.1,1.1,1\n");
    const earlier = file("a.csv", HEADER + "60,1,1,1,1,1\n120,1,1,1,1,1\n180,1.05,1.05,1.05,1.05,1\n");
    const seconds: number[] = [];
    const stats = await replayHistory([later, earlier], { observe: (s) => seconds.push(s) }, { barSeconds: 60 });
    expect(stats.files.map((f) => f.path)).toEqual([earlier, later]);
    expect(stats.firstBar).toBe(60);
    expect(stats.lastBar).toBe(240);
    expect(seconds.length).toBe(4 * 60);
    expect(new Set(seconds).size).toBe(seconds.length);
  });
});

describe("bad price files", () => {
  const dir = mkdtempSync(join(tmpdir(), "btc15-bad-"));
  const rows = (n: number, price = (i: number) => 96000 + 10 * Math.sin(i)) => Array.from({ length: n }, (_, i) => `${60 * (i + 1)},${price(i)},${price(i) + 5},${price(i) - 5},${price(i)},1\n`);
  const file = (name: string, lines: string[]) => {
    const p = join(dir, name);
    writeFileSync(p, HEADER + lines.join(""));
    return p;
  };
  const replay = async (path: string) => {
    const warnings: string[] = [];
    let seconds = 0;
    const stats = await replayHistory([path], { observe: () => seconds++ }, { onWarning: (w) => warnings.push(w) });
    return { stats, warnings, seconds };
  };

  it("replays a file with a few bad rows, warning of each with its file and line", async () => {
    const lines = rows(500);
    lines[200] = "12060,1e300,1e300,1e300,1e300,1\n"; // line 202 of the file
    const path = file("one-bad.csv", lines);
    const { stats, warnings } = await replay(path);
    expect(stats.parse.bars).toBe(499);
    expect(stats.parse.skipped).toBe(1);
    expect(warnings).toEqual([`skipped ${path}:202: price above 10,000,000: 12060,1e300,1e300,1e300,1e300,1`]);
  });

  it("refuses a file whose prices change scale mid-way (×1e9) rather than replay the part before", async () => {
    const path = file("scaled.csv", rows(1000, (i) => (i < 600 ? 96000 : 96000e9) + i));
    await expect(replay(path)).rejects.toThrow(HistoryError);
    await expect(replay(path)).rejects.toThrow(`${path}: 400 of 1000 rows are bad (400 price above 10,000,000; first: ${path}:602: price above 10,000,000`);
    const jumped = file("jumped.csv", rows(1000, (i) => (i < 600 ? 96000 : 96000 * 50) + i)); // ×50: below the cap, a jump
    await expect(replay(jumped)).rejects.toThrow(/400 of 1000 rows are bad \(400 price jumps more than 20% from the previous bar; first: .*jumped\.csv:602:/);
  });

  it("refuses an unsorted file instead of keeping the rows that happen to be in order", async () => {
    const path = file("unsorted.csv", rows(1000).reverse());
    await expect(replay(path)).rejects.toThrow(`${path} is not sorted by time: 999 of 1000 rows are earlier than a row above them (first at line 3); sort it by its first column, e.g. sort -t, -k1,1n`);
  });

  it("explains a directory given as a price file", () => {
    expect(() => inspectHistoryFile(dir)).toThrow(`${dir} is a directory, not a price file`);
  });
});

describe("decimal reading", () => {
  it("equals Number() for plain decimals and falls back for everything else", async () => {
    const { decimal } = await import("../../src/history/bars-csv.ts");
    const cases = ["96466.11", "0.5", "1733007600", "0.0001", "123456789.123456", "7", "96466.", ".5", "1e3", "-5", "+5", " 42", "NaN", "0x10", "12345678901234567890.5", "99999999999999.99", ".", "5.5.5", "1,5"];
    for (const c of cases) {
      const text = `x${c}y`;
      expect(Object.is(decimal(text, 1, 1 + c.length), Number(c.trim() === "" ? "x" : c))).toBe(true);
    }
    expect(decimal("a,,b", 2, 2)).toBeNaN(); // an empty field is not zero
  });
});
