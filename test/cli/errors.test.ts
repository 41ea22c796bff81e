// What the command line does with bad paths, bad files and bad arguments: one clear line and
// exit 2, checked before anything connects or runs; never a stack trace, never a wiped journal.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { marketBaseline } from "../../src/app/research/market-baseline.ts";
import { UserError } from "../../src/domain/errors.ts";
import { ROOT, type Run, UNPRIVILEGED_UNREACHABLE, btc15Async as btc15, cli, nodeAsync as node } from "./run.ts";

if (UNPRIVILEGED_UNREACHABLE !== null) console.warn(`SKIPPED: 4 tests of test/cli/errors.test.ts: ${UNPRIVILEGED_UNREACHABLE}`);
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

  it.concurrent("--html and --json into the run's own new output directory: taken (the run makes it)", async () => {
    const dir = tmp();
    const out = join(dir, "new-out");
    const r = await cli(["backtest", "--data", prices(dir), "--out", out, "--html", join(out, "r.html"), "--json", join(out, "r.json")]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, "r.html"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "r.json"), "utf8")).out_dir).toBe(out);
  });

  it.concurrent("--html into a missing folder: refused before the run, as --json is", async () => {
    const dir = tmp();
    const file = join(dir, "missing", "r.html");
    const r = await cli(["backtest", "--data", prices(dir), "--html", file, "--out", join(dir, "out")]);
    expectOneLine(r, `${file} (the --html file): the folder ${join(dir, "missing")} does not exist`);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(existsSync(join(dir, "missing"))).toBe(false);
    const replay = await cli(["replay", join(dir, "sessions"), "--html", file, "--out", join(dir, "replayed")]);
    expectOneLine(replay, `${file} (the --html file): the folder ${join(dir, "missing")} does not exist`);
  });

  asNobody("--html and --json into a read-only folder: the same message, before the run", async () => {
    const dir = tmp();
    const file = prices(dir);
    mkdirSync(join(dir, "out"));
    chmodSync(join(dir, "out"), 0o777);
    readOnly(join(dir, "ro"));
    const html = await btc15(["backtest", "--data", file, "--html", join(dir, "ro", "r.html"), "--out", join(dir, "out")], dir, { unprivileged: true });
    expectOneLine(html, `cannot write to ${join(dir, "ro")} (the folder of the --html file): permission denied (EACCES)`);
    const json = await btc15(["backtest", "--data", file, "--json", join(dir, "ro", "r.json"), "--out", join(dir, "out")], dir, { unprivileged: true });
    expectOneLine(json, `cannot write to ${join(dir, "ro")} (the folder of the --json file): permission denied (EACCES)`);
    expect(readdirSync(join(dir, "out"))).toEqual([]); // neither ran
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

  it.concurrent("--from after the end of the data, or --to before its start: refused before anything is written", async () => {
    const dir = tmp();
    const file = prices(dir); // 2024-12-02 00:00 to 03:59 UTC
    const late = await cli(["backtest", "--data", file, "--from", "2024-12-02T05:00:00Z", "--out", join(dir, "out")]);
    expectOneLine(late, "--from 2024-12-02T05:00:00Z is after the end of the price data (its last bar opens at 2024-12-02T03:59:00Z): nothing to backtest");
    const early = await cli(["backtest", "--data", file, "--to", "2024-12-01", "--out", join(dir, "out")]);
    expectOneLine(early, "--to 2024-12-01T00:00:00Z is not after the start of the price data (its first bar opens at 2024-12-02T00:00:00Z): nothing to backtest");
    expect(existsSync(join(dir, "out"))).toBe(false);
    // A range inside the data but holding no bar (a gap) is an error too, never "Backtest ? → ?".
    const gap = prices(dir, "gap.csv", (rows) => [...rows.slice(0, 60), ...rows.slice(180)]);
    const none = await cli(["backtest", "--data", gap, "--from", "2024-12-02T01:30:00Z", "--to", "2024-12-02T02:30:00Z", "--out", join(dir, "out")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^btc15: no usable price rows in .*gap\.csv within --from\/--to/m);
    expect(none.stdout).not.toMatch(/\?/);
  });

  it.concurrent("replay --speed 0 or -5, as the demo refuses them", async () => {
    const dir = tmp();
    for (const speed of ["0", "-5"]) {
      expectOneLine(await cli(["replay", join(dir, "sessions"), "--speed", speed, "--out", join(dir, "out")]), "--speed must be positive");
      expectOneLine(await cli(["demo", "--speed", speed, "--data-dir", join(dir, "demo")]), "--speed must be positive");
    }
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it.concurrent("--kelly-fraction 0, which would never trade", async () => {
    const r = await cli(["config", "--kelly-fraction", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/strategy\.kellyFraction: must be above 0 \(0 would never trade\) and at most 1 \(got 0\)/);
    expect((await cli(["config", "--kelly-fraction", "0.25"])).code).toBe(0);
  });

  it.concurrent("window --at a year a ticker cannot name, or --series that is not a ticker", async () => {
    const far = await cli(["window", "--at", "99999-01-01"]);
    expect(far.code).toBe(2);
    expect(far.stderr.split("\n")[0]).toBe("error: option '--at <iso-time>' argument '99999-01-01' is invalid. year 99999 is out of range (1970–9999): 99999-01-01");
    const old = await cli(["window", "--at", "1999-06-01"]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/year 1999 is out of range: a ticker writes the year in two digits, so 2000–2099/);
    const bad = await cli(["window", "--series", "foo bar!"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/argument 'foo bar!' is invalid\. not a series ticker \(letters and digits, like KXBTC15M\): foo bar!/);
    const eth = await cli(["window", "--series", "kxeth15m", "--at", "2026-04-27T18:37:30Z", "--json"]);
    expect(JSON.parse(eth.stdout).ticker).toBe("KXETH15M-26APR271445-45");
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

describe("the live trader's journal is never touched by the demo or a replay, not even with --force", async () => {
  // In this process, with the live directory named by a configuration file: the same rule as the
  // default data/trading, without a child process (and never near this machine's own journal).
  it.concurrent("demo --data-dir <the live directory> --force", async () => {
    const dir = tmp();
    const live = join(dir, "data", "trading");
    mkdirSync(live, { recursive: true });
    writeFileSync(join(live, "trades.jsonl"), ACCOUNT);
    writeFileSync(join(dir, "c.json"), JSON.stringify({ dataDir: live }));
    const r = await cli(["demo", "--config", join(dir, "c.json"), "--data-dir", live, "--force", "--minutes", "1"]);
    expectOneLine(r, `the demo's data directory ${live} is the live data directory (npm start's journal; --force does not change that): choose another with --data-dir`);
    expect(readdirSync(live)).toEqual(["trades.jsonl"]);
    expect(readFileSync(join(live, "trades.jsonl"), "utf8")).toBe(ACCOUNT);
  });

  it.concurrent("demo into the data directory a configuration file gives the live trader, however it is written", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "c.json"), JSON.stringify({ dataDir: join(dir, "mine") }));
    const r = await cli(["demo", "--config", join(dir, "c.json"), "--data-dir", `${join(dir, "x", "..", "mine")}/`, "--force", "--minutes", "1"]);
    expectOneLine(r, `the demo's data directory ${join(dir, "x", "..", "mine")}/ is the live data directory (npm start's journal; --force does not change that): choose another with --data-dir`);
    expect(existsSync(join(dir, "mine"))).toBe(false);
  });

  it.concurrent("replay --out <the live directory> --force", async () => {
    const dir = tmp();
    // The live trader's directory as its environment names it (the replay's --config is the strategy to replay with).
    const r = await cli(["replay", join(dir, "sessions"), "--out", join(dir, "data", "trading"), "--force"], { BTC15_DATA_DIR: join(dir, "data", "trading") });
    expectOneLine(r, `the replay output directory ${join(dir, "data", "trading")} is the live data directory (npm start's journal; --force does not change that): choose another with --out`);
    expect(existsSync(join(dir, "data"))).toBe(false);
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
