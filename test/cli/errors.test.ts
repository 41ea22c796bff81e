// What the command line does with bad paths, bad files and bad arguments: one clear line and
// exit 2, checked before anything connects or runs; never a stack trace, never a wiped journal.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { marketBaseline } from "../../src/app/research/market-baseline.ts";
import { UserError } from "../../src/domain/errors.ts";
import { ROOT, type Run, UNPRIVILEGED_UNREACHABLE, btc15Async as btc15, cli, nodeAsync as node } from "./run.ts";

if (UNPRIVILEGED_UNREACHABLE !== null) console.warn(`SKIPPED: 3 tests of test/cli/errors.test.ts: ${UNPRIVILEGED_UNREACHABLE}`);
/** A test that runs the CLI as an unprivileged user: skipped (and said so above) when that user cannot reach the project. */
const asNobody = UNPRIVILEGED_UNREACHABLE === null ? it.concurrent : it.skip;

/** A scratch directory anyone may enter (the unprivileged runs too). */
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "btc15-err-"));
  chmodSync(dir, 0o755);
  return dir;
}

/** A read-only directory (for the unprivileged user). */
function readOnly(dir: string): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o555);
  return dir;
}

function expectOneLine(r: Run, message: string): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`btc15: ${message}\n`);
}

const ACCOUNT = JSON.stringify({ type: "account", t: 0, ts: "1970-01-01T00:00:00Z", balance: "200.0000" }) + "\n";

/** Four hours of one-minute bars from 2024-12-02 00:00 UTC, around $96,000. */
function prices(dir: string, name = "p.csv", edit: (rows: string[]) => string[] = (r) => r): string {
  const t0 = Date.parse("2024-12-02T00:00:00Z") / 1000;
  const rows = Array.from({ length: 240 }, (_, i) => {
    const p = (96_000 + 40 * Math.sin(i / 7)).toFixed(2);
    return `${t0 + 60 * i},${p},${p},${p},${p},1`;
  });
  const path = join(dir, name);
  writeFileSync(path, ["timestamp_unix_seconds,open,high,low,close,volume", ...edit(rows)].join("\n") + "\n");
  return path;
}

describe("paths checked before anything connects or runs", async () => {
  it.concurrent("a directory given as the price file", async () => {
    const dir = tmp();
    const r = await cli(["backtest", "--data", dir, "--out", join(dir, "out")]);
    expectOneLine(r, `${dir} (the price file) is a directory, not a file`);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it.concurrent("a file given as the backtest's output directory", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "out"), "");
    expectOneLine(await cli(["backtest", "--out", join(dir, "out")]), `${join(dir, "out")} (the backtest output directory) is a file, not a directory`);
  });

  it.concurrent("a file given as the live trader's data directory: nothing is started, not even the log", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "trading"), "");
    const r = await btc15(["live", "--data-dir", "trading"], dir);
    expectOneLine(r, "trading (the data directory) is a file, not a directory");
    expect(readdirSync(dir)).toEqual(["trading"]);
  });

  asNobody("a read-only data directory", async () => {
    const dir = tmp();
    readOnly(join(dir, "trading"));
    const r = await btc15(["live", "--data-dir", "trading"], dir, { unprivileged: true });
    expectOneLine(r, "cannot write to trading (the data directory): permission denied (EACCES)");
    expect(readdirSync(dir)).toEqual(["trading"]);
  });

  asNobody("an unwritable logs/", async () => {
    const dir = tmp();
    readOnly(join(dir, "logs"));
    mkdirSync(join(dir, "demo"));
    chmodSync(join(dir, "demo"), 0o777);
    const r = await btc15(["demo", "--data-dir", "demo", "--minutes", "1"], dir, { unprivileged: true });
    expectOneLine(r, "cannot write to logs (the log directory): permission denied (EACCES)");
    expect(readdirSync(join(dir, "demo"))).toEqual([]);
  });

  it.concurrent("--json into a missing folder, refused before the backtest runs", async () => {
    const dir = tmp();
    const r = await cli(["backtest", "--data", prices(dir), "--json", join(dir, "missing", "r.json"), "--out", join(dir, "out")]);
    expectOneLine(r, `${join(dir, "missing", "r.json")} (the --json file): the folder ${join(dir, "missing")} does not exist`);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  asNobody("export into a read-only journal directory", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "j"));
    writeFileSync(join(dir, "j", "trades.jsonl"), ACCOUNT);
    readOnly(join(dir, "j"));
    const r = await btc15(["export", "--data-dir", join(dir, "j")], ROOT, { unprivileged: true });
    expectOneLine(r, `cannot write to ${join(dir, "j")} (the journal directory): permission denied (EACCES)`);
  });

  it.concurrent("market-baseline with a missing file, or the two files swapped", async () => {
    const dir = tmp();
    const p = join(dir, "prices.csv");
    const m = join(dir, "markets.csv");
    writeFileSync(p, "ticker,minute_ts,open,high,low,close,contracts,n_trades\nA,1777314600,0.5,0.6,0.4,0.52,1,1\n");
    writeFileSync(m, "ticker,open_ts,close_ts,n_trades,contracts,first_trade_ts,first_yes_price,last_trade_ts,last_yes_price,vwap_yes_price,inferred_result\nA,1777314600,1777315500,1,1,1,0.5,1,0.9,0.8,yes\n");
    // The script's own line and exit code once, in a process; the checks behind it here.
    const missing = await node(["--import", "tsx", "scripts/market-baseline.ts", join(dir, "nope.csv"), m]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`market-baseline: cannot read ${join(dir, "nope.csv")} (the prices file): no such file or directory (ENOENT)\n`);
    expect(() => marketBaseline(m, p)).toThrow(new UserError(`the files are swapped: ${m} is the markets file and ${p} the prices file; give the one-minute prices file first`));
    expect(marketBaseline(p, m).markets).toBe(1);
  });
});

describe("usage errors", async () => {
  it.concurrent("--from after --to", async () => {
    const dir = tmp();
    const r = await cli(["backtest", "--from", "2024-12-03", "--to", "2024-12-02", "--out", join(dir, "out")]);
    expectOneLine(r, "--from 2024-12-03T00:00:00Z is not before --to 2024-12-02T00:00:00Z: nothing to backtest");
  });

  it.concurrent("report --last abc", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "trades.jsonl"), ACCOUNT);
    const r = await cli(["report", "--data-dir", dir, "--last", "abc"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("error: option '--last <n>' argument 'abc' is invalid. not a whole number ≥ 1: abc");
    expect(r.stdout).toBe("");
    expect((await cli(["report", "--data-dir", dir, "--last", "3"])).code).toBe(0);
  });
});

describe("journals are never wiped by a command that did not make them", async () => {
  it.concurrent("backtest --out refuses a live journal, leaves it whole, and replaces it only with --force", async () => {
    const dir = tmp();
    const out = join(dir, "trading");
    mkdirSync(out);
    writeFileSync(join(out, "trades.jsonl"), ACCOUNT);
    const args = ["backtest", "--data", prices(dir), "--out", out];
    const r = await cli(args);
    expectOneLine(r, `${out} holds a journal that btc15 backtest did not make (trades.jsonl); it was left as it is: choose another directory with --out, or add --force to delete it`);
    expect(readFileSync(join(out, "trades.jsonl"), "utf8")).toBe(ACCOUNT);
    expect((await cli([...args, "--force"])).code).toBe(0);
    expect((await cli(args)).code).toBe(0); // now the backtest's own: replaced at each run
  });

  it.concurrent("demo --data-dir refuses a journal the demo did not make", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "trades.jsonl"), ACCOUNT);
    const r = await cli(["demo", "--data-dir", dir, "--minutes", "1"]);
    expectOneLine(r, `${dir} holds a journal that btc15 demo did not make (trades.jsonl); it was left as it is: choose another directory with --data-dir, or add --force to delete it`);
    expect(readFileSync(join(dir, "trades.jsonl"), "utf8")).toBe(ACCOUNT);
  });
});

describe("bad price files in a backtest", async () => {
  it.concurrent("skips a bar of 1e300 with a warning naming the file and line, and says so", async () => {
    const dir = tmp();
    const file = prices(dir, "p.csv", (rows) => rows.map((r, i) => (i === 100 ? r.replace(/,[^,]+,[^,]+,[^,]+,[^,]+,/, ",1e300,1e300,1e300,1e300,") : r)));
    const r = await cli(["backtest", "--data", file, "--out", join(dir, "out"), "--json", "-"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^warning: skipped ${file}:102: price above 10,000,000: \\d+,1e300,`, "m"));
    expect(JSON.parse(r.stdout).data).toMatchObject({ rows: 240, skipped_rows: 1 });
  });

  it.concurrent("refuses an unsorted file", async () => {
    const dir = tmp();
    const file = prices(dir, "p.csv", (rows) => rows.reverse());
    const r = await cli(["backtest", "--data", file, "--out", join(dir, "out")]);
    expectOneLine(r, `${file} is not sorted by time: 239 of 240 rows are earlier than a row above them (first at line 3); sort it by its first column, e.g. sort -t, -k1,1n`);
  });
});
