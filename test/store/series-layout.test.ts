// Today's single-series data directory (trades.jsonl and its companions in data/trading/ itself)
// is moved into its series' folder on the first start that finds it: every record kept, byte for
// byte, an interrupted move finished, nothing ever overwritten, and the session resumes from it.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { RunLog } from "../../src/app/console/run-log.ts";
import { TradingSessions } from "../../src/app/drivers/sessions.ts";
import { journalReport } from "../../src/app/commands/report.ts";
import { parseConfig } from "../../src/config/load.ts";
import type { TradeJournalRecord, TradeRecord } from "../../src/domain/records.ts";
import { Account } from "../../src/engine/account.ts";
import { migrateLegacyJournal, seriesJournals } from "../../src/store/series-layout.ts";
import { loadTradeJournal } from "../../src/store/trade-journal.ts";

const trade = (id: string, close: number, series = "KXBTC15M"): TradeRecord => ({
  type: "trade", id, t: close - 300, ts: "2024-12-01T00:10:00Z", ticker: `${series}-24DEC011915-15`, window_open: close - 900, window_close: close,
  side: "yes", contracts: 5, requested_contracts: 5, requested_price: "0.5500", price: "0.5500", fills: [{ price: "0.5500", contracts: 5 }],
  cost: "2.7500", fee: "0.0900", balance_after: "197.1600", p_up: 0.6, p_side: 0.6, edge: 0.03, confidence: 0.1, strike: "96000.00", btc_price: "96010.00", market: "synthetic",
});

/** A journal of the old layout: an account, a settled trade, an open one; and its companions. */
function legacyDir(series = "KXBTC15M"): { root: string; records: TradeJournalRecord[]; files: Record<string, string> } {
  const root = join(mkdtempSync(join(tmpdir(), "btc15-legacy-")), "trading");
  mkdirSync(join(root, "predictions"), { recursive: true });
  mkdirSync(join(root, "sessions", "20241201T000000Z"), { recursive: true });
  const a = trade("a", 1_733_011_200, series);
  const records: TradeJournalRecord[] = [
    { type: "account", t: 0, ts: "1970-01-01T00:00:00Z", balance: "200.0000" },
    a,
    { type: "settlement", trade_id: "a", t: 1_733_011_201, ts: "2024-12-01T00:00:01Z", ticker: a.ticker, strike: "96000.00", settlement_value: "96100.00", result: "yes", won: true, payout: "5.0000", pnl: "2.1600", balance_after: "202.1600", source: "proxy" },
    trade("b", 1_733_012_100, series),
  ];
  const files: Record<string, string> = {
    "trades.jsonl": records.map((r) => JSON.stringify(r) + "\n").join(""),
    "windows.jsonl": '{"type":"window","t":1733011201,"ts":"2024-12-01T00:00:01Z","ticker":"X","window_open":1733010300,"window_close":1733011200,"strike":"96000.00","proxy_strike":"96000.00","settlement_value":"96100.00","proxy_settlement_value":"96100.00","result":"yes","proxy_result":"yes","source":"proxy"}\n',
    "performance.json": '{"trades":2}\n',
    "trades.csv": "id,ticker\na,X\n",
    "predictions/2024-12-01.jsonl": '{"t":1}\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  writeFileSync(join(root, "KILL.note"), "not a journal file: stays\n");
  return { root, records, files };
}

describe("moving today's journal into its series' folder", () => {
  it("moves every journal file byte for byte, leaves the recordings and anything else where they are", () => {
    const { root, records, files } = legacyDir();
    const moved = migrateLegacyJournal(root, "KXBTC15M");
    expect(moved).toMatchObject({ series: "KXBTC15M", to: join(root, "KXBTC15M"), records: 4 });
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(join(root, "KXBTC15M", name), "utf8"), name).toBe(text);
      expect(existsSync(join(root, name)), name).toBe(false);
    }
    expect(loadTradeJournal(join(root, "KXBTC15M")).records).toEqual(records);
    expect(readdirSync(root).sort()).toEqual(["KILL.note", "KXBTC15M", "sessions"]);
    expect(seriesJournals(root)).toEqual(["KXBTC15M"]);
    // Done once: a second start finds nothing to move.
    expect(migrateLegacyJournal(root, "KXBTC15M")).toBeNull();
  });

  it("finishes a move a crash interrupted, and never overwrites a journal already in the series' folder", () => {
    const { root, files } = legacyDir();
    // The crash came after two files had been moved.
    mkdirSync(join(root, "KXBTC15M"));
    renameSync(join(root, "windows.jsonl"), join(root, "KXBTC15M", "windows.jsonl"));
    renameSync(join(root, "predictions"), join(root, "KXBTC15M", "predictions"));
    expect(migrateLegacyJournal(root, "KXBTC15M")).toMatchObject({ records: 4 });
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(root, "KXBTC15M", name), "utf8"), name).toBe(text);

    // Both places hold a journal: refused, nothing touched.
    const other = legacyDir();
    cpSync(join(root, "KXBTC15M"), join(other.root, "KXBTC15M"), { recursive: true });
    const before = readFileSync(join(other.root, "trades.jsonl"), "utf8");
    expect(() => migrateLegacyJournal(other.root, "KXBTC15M")).toThrow(/will not merge or overwrite journals; move one of them away \(nothing was changed\)/);
    expect(readFileSync(join(other.root, "trades.jsonl"), "utf8")).toBe(before);
    expect(readFileSync(join(other.root, "KXBTC15M", "trades.jsonl"), "utf8")).toBe(files["trades.jsonl"]);
  });

  it("puts a journal in the folder its trades' tickers name (an older ETH journal), whatever is configured first", () => {
    const { root } = legacyDir("KXETH15M");
    expect(migrateLegacyJournal(root, "KXBTC15M")).toMatchObject({ series: "KXETH15M", to: join(root, "KXETH15M") });
    expect(loadTradeJournal(join(root, "KXETH15M")).records).toHaveLength(4);
  });

  it("lets the next session resume from it: the same balance and open position, and the report reads it", () => {
    const { root, records } = legacyDir();
    const out = new PassThrough();
    let text = "";
    out.on("data", (d: Buffer) => (text += d.toString()));
    const sessions = new TradingSessions({
      config: parseConfig({ dataDir: root, engine: { predictionEverySeconds: 0 } }),
      rootDir: root,
      market: () => ({ kind: "synthetic" }),
      settlement: () => "proxy",
      log: new RunLog({ file: null, out, colour: false, now: () => 0, columns: Infinity }),
      fresh: false,
      maxCarrySeconds: 300,
    });
    expect(text).toMatch(/journal: moved the journal of \S+\/trading\/ \(4 records: [^)]*trades\.jsonl\) into \S+\/trading\/KXBTC15M\/, where KXBTC15M journals now/);
    const s = sessions.of("KXBTC15M");
    const expected = Account.fromRecords(records, 0).summary();
    expect(s.recovery).toMatchObject({ records: 4, openPositions: 1, balance: expected.balance / 10_000 });
    expect(s.summary).toEqual(expected);
    expect(journalReport(root)).toMatch(/trades {10}2 /);
  });
});
