import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gridDown, gridUp, quoteAroundMid } from "../../src/history/assumed-spread.ts";
import { HistoryError } from "../../src/history/files.ts";
import { readQuoteFiles } from "../../src/history/quote-files.ts";
import { type QuoteRow, QuoteCsvParser, centsOf } from "../../src/history/quotes-csv.ts";

// Two real KXBTC15M tickers (closes 2026-03-11 21:15 and 21:30 UTC = 17:15, 17:30 EDT).
const A = "KXBTC15M-26MAR111715-15";
const B = "KXBTC15M-26MAR111730-30";
const A_OPEN = 1_773_262_800;

function parse(text: string, spreadCents = 2, chunks: string[] = [text]) {
  const rows: [string, QuoteRow][] = [];
  const p = new QuoteCsvParser("q.csv", spreadCents * 100, (ticker, row) => rows.push([ticker, row]));
  for (const c of chunks) p.push(c);
  p.end();
  return { rows, counters: p.counters };
}

function files(contents: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), "btc15-quotes-"));
  return Object.entries(contents).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

describe("quote file reader", () => {
  it("reads exact bid/ask rows in money units, columns by name in any order, whatever the chunking", () => {
    const text = `ticker,yes_ask,minute_ts,yes_bid,result\n${A},0.5600,${A_OPEN + 60},0.5400,yes\n${A},0.0900,${A_OPEN + 120},0.0850,yes\r\n`;
    const whole = parse(text);
    expect(whole.rows).toEqual([
      [A, { t: A_OPEN + 60, bid: 5400, ask: 5600, assumed: false }],
      [A, { t: A_OPEN + 120, bid: 850, ask: 900, assumed: false }],
    ]);
    for (let cut = 1; cut < text.length; cut += 7) expect(parse(text, 2, [text.slice(0, cut), text.slice(cut)]).rows).toEqual(whole.rows);
  });

  it("reads an empty side as Kalshi shows it (bid 0, ask 1) as no price on that side", () => {
    const { rows } = parse(`minute_ts,ticker,yes_bid,yes_ask\n${A_OPEN + 60},${A},0.0000,0.4000\n${A_OPEN + 120},${A},0.3000,1.0000\n${A_OPEN + 180},${A},0.0000,1.0000\n`);
    expect(rows.map(([, r]) => [r.bid, r.ask])).toEqual([[null, 4000], [3000, null], [null, null]]);
  });

  it("makes bid and ask from a mid with the assumed spread, rounded outward to the tick and flagged", () => {
    const { rows, counters } = parse(`minute_ts,ticker,open_ts,close_ts,yes_mid,volume,result\n${A_OPEN},${A},${A_OPEN},${A_OPEN + 900},0.6750,199696,no\n${A_OPEN + 60},${A},${A_OPEN},${A_OPEN + 900},0.5000,,no\n`);
    // 0.675 ± 0.01 = 0.665/0.685 → 0.66/0.69 on the 1¢ grid; 0.50 ± 0.01 is already on it.
    expect(rows.map(([, r]) => r)).toEqual([
      { t: A_OPEN, bid: 6600, ask: 6900, assumed: true },
      { t: A_OPEN + 60, bid: 4900, ask: 5100, assumed: true },
    ]);
    expect(counters.assumed).toBe(2);
    const wide = parse(`minute_ts,ticker,yes_mid\n${A_OPEN},${A},0.5000\n`, 5).rows[0]![1];
    expect([wide.bid, wide.ask]).toEqual([4700, 5300]); // ±2.5¢ → 47.5/52.5 → 47/53
  });

  it("keeps assumed quotes inside (0, 1) on the 0.1¢ tail grid", () => {
    expect(quoteAroundMid(9950, 200)).toEqual({ bid: 9850, ask: 9990 }); // 99.5¢: ask would be 100.5¢
    expect(quoteAroundMid(50, 200)).toEqual({ bid: 10, ask: 150 }); // 0.5¢: bid would be −0.5¢
    expect(quoteAroundMid(9317, 200)).toEqual({ bid: 9210, ask: 9420 });
    expect(quoteAroundMid(1050, 200)).toEqual({ bid: 950, ask: 1200 }); // below 10¢ the grid is 0.1¢, above it 1¢
    expect([gridDown(8999.5), gridUp(9000), gridUp(9000.5), gridDown(1000), gridUp(1000.5)]).toEqual([8900, 9000, 9010, 1000, 1100]);
  });

  it("skips and counts bad rows by reason, naming file and line; bad optional fields are counted, the quote kept", () => {
    const text =
      "minute_ts,ticker,yes_bid,yes_ask,floor_strike,result\n" +
      `${A_OPEN + 60},${A},0.40,0.42,70000.12,yes\n` + // line 2: fine
      `${A_OPEN + 120},${A},0.40\n` + // 3: short
      `soon,${A},0.40,0.42,,\n` + // 4: time
      `${A_OPEN * 1000},${A},0.40,0.42,,\n` + // 5: milliseconds
      `${A_OPEN + 180},BTC-UP,0.40,0.42,,\n` + // 6: ticker
      `${A_OPEN + 240},${A},0.4x,0.42,,\n` + // 7: bid
      `${A_OPEN + 300},${A},0.40,1.20,,\n` + // 8: ask > 1
      `${A_OPEN + 360},${A},,,,\n` + // 9: no price
      `${A_OPEN + 420},${A},0.41,0.43,abc,maybe\n`; // 10: kept, two fields ignored
    const { rows, counters } = parse(text);
    expect(rows.map(([, r]) => r.t)).toEqual([A_OPEN + 60, A_OPEN + 420]);
    expect(counters.reasons).toEqual({
      "fewer columns than the header": 1,
      "minute_ts is not whole seconds": 1,
      "minute_ts looks like milliseconds, not seconds": 1,
      "not a 15-minute market ticker": 1,
      "yes_bid is not a dollar amount": 1,
      "yes_ask outside [0, 1]": 1,
      "no price": 1,
    });
    expect(counters.skipped).toBe(7);
    expect(counters.ignored).toEqual({ "floor_strike is not a dollar amount": 1, "result not yes or no": 1 });
    expect(counters.examples[0]).toBe(`q.csv:3: fewer columns than the header: ${A_OPEN + 120},${A},0.40`);
    expect(counters.examples[1]).toMatch(/^q\.csv:4: minute_ts is not whole seconds: soon,/);
  });

  it("refuses a file without the needed columns, naming them", () => {
    expect(() => parse("time,ticker,yes_mid\n1,2,3\n")).toThrow(/q\.csv:1: missing column minute_ts/);
    expect(() => parse("minute_ts,ticker,yes_bid,volume\n")).toThrow(/needs the columns yes_bid and yes_ask, or yes_mid/);
    expect(() => parse("")).toThrow(HistoryError);
    expect(centsOf("64839.26")).toBe(6_483_926);
    expect(centsOf("64839.265")).toBe(6_483_927);
    expect(centsOf("64839")).toBe(6_483_900);
    expect(centsOf("-1")).toBeNull();
  });

  it("reads several unsorted files into per-market quotes sorted by time, with facts, conflicts and duplicates counted", async () => {
    const head = "minute_ts,ticker,yes_bid,yes_ask,floor_strike,result,open_ts,close_ts\n";
    const paths = files({
      "late.csv": head + `${A_OPEN + 180},${A},0.50,0.52,70000.12,yes,${A_OPEN},${A_OPEN + 900}\n${A_OPEN + 60},${A},0.40,0.42,70000.12,yes,,\n`,
      "early.csv": head + `${A_OPEN + 120},${A},0.45,0.47,,,,\n${A_OPEN + 120},${A},0.99,0.999,,,,\n${A_OPEN + 960},${B},0.30,0.33,,no,,\n${A_OPEN + 1020},${B},0.31,0.34,,yes,,\n`,
    });
    const h = await readQuoteFiles(paths);
    expect(h.quotes.get(A)!.map((r) => [r.t, r.bid])).toEqual([[A_OPEN + 60, 4000], [A_OPEN + 120, 4500], [A_OPEN + 180, 5000]]);
    expect(h.markets.get(A)).toEqual({ ticker: A, result: "yes", strikeCents: 7_000_012, settlementCents: null, openTs: A_OPEN, closeTs: A_OPEN + 900 });
    expect(h.markets.get(B)!.result).toBeNull(); // two rows disagree: neither is trusted
    expect(h.stats).toMatchObject({ rows: 6, quotes: 5, skipped: 1, reasons: { "duplicate minute_ts for the ticker": 1 }, tickers: 2, results: 1, conflicts: { result: 1 }, reordered: 1, assumedSpreadCents: null, first: A_OPEN + 60, last: A_OPEN + 1020 });
    expect(h.stats.examples.join("\n")).toMatch(/early\.csv:3: duplicate minute_ts/);
    expect(h.stats.examples.join("\n")).toMatch(/early\.csv:5: result differs from an earlier row/);
  });

  it("says when it assumed a spread, and refuses a nonsensical one or a missing file", async () => {
    const [p] = files({ "mid.csv": `minute_ts,ticker,yes_mid\n${A_OPEN},${A},0.5\n` });
    expect((await readQuoteFiles([p!], { assumeSpreadCents: 3 })).stats).toMatchObject({ assumed: 1, assumedSpreadCents: 3 });
    await expect(readQuoteFiles([p!], { assumeSpreadCents: 0 })).rejects.toThrow(/between 0\.1 and 50 cents/);
    await expect(readQuoteFiles([p!], { assumeSpreadCents: 1.234 })).rejects.toThrow(/steps of 0\.01/);
    await expect(readQuoteFiles([join(tmpdir(), "no-such-quotes.csv")])).rejects.toThrow(/cannot read .*no-such-quotes\.csv: ENOENT/);
  });
});

describe("quote files that cannot be trusted are refused, as price files are", () => {
  const rows = (n: number, row: (i: number) => string) => Array.from({ length: n }, (_, i) => row(i)).join("\n") + "\n";

  it("refuses a file in cents (Kalshi's old unit), saying so", async () => {
    const [p] = files({ "cents.csv": "minute_ts,ticker,yes_bid,yes_ask\n" + rows(100, (i) => `${A_OPEN + 60 * (i % 15)},${A},${40 + (i % 5)},${45 + (i % 5)}`) });
    await expect(readQuoteFiles([p!])).rejects.toThrow(/100 of 100 quote rows are bad \(100 yes_bid outside \[0, 1\]\); its prices look like cents .*divide the price columns by 100; first:\n {2}cents\.csv:2: /);
  });

  it("refuses more than 1 % of bad rows, naming the first, and keeps a file with fewer", async () => {
    const good = (i: number) => `${A_OPEN + i},${A},0.40,0.42`;
    const [bad, fine] = files({
      "bad.csv": "minute_ts,ticker,yes_bid,yes_ask\n" + rows(200, (i) => (i === 50 || i === 70 || i === 90 ? `${A_OPEN + i},${A},0.4x,0.42` : good(i))),
      "fine.csv": "minute_ts,ticker,yes_bid,yes_ask\n" + rows(200, (i) => (i === 50 ? `${A_OPEN + i},${A},0.4x,0.42` : good(i))),
    });
    await expect(readQuoteFiles([bad!])).rejects.toThrow(/bad\.csv: 3 of 200 quote rows are bad \(3 yes_bid is not a dollar amount\); first:\n {2}bad\.csv:52: yes_bid is not a dollar amount/);
    expect((await readQuoteFiles([fine!])).stats).toMatchObject({ rows: 200, skipped: 1 });
  });

  it("refuses a file whose every book is crossed", async () => {
    const [p] = files({ "crossed.csv": "minute_ts,ticker,yes_bid,yes_ask\n" + rows(20, (i) => `${A_OPEN + 60 * i},${A},0.60,0.40`) });
    await expect(readQuoteFiles([p!])).rejects.toThrow(/every one of its 20 quotes is crossed .*swapped\?/);
  });
});
