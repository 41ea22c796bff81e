import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { UserError } from "../../domain/errors.ts";
import { checkInputFile } from "../commands/preflight.ts";
import { CHECKPOINT_MINUTES, type ForecasterScore, Scorecard } from "../../report/scorecard.ts";

/**
 * The market-price baseline: Kalshi's own YES price, read as a probability at each whole
 * minute before the close, scored against the outcome by the same Scorecard as our forecasts.
 * Input: the KXBTC15M trade summaries (one-minute YES price bars per market, and one row per
 * market with its inferred result). The price at m minutes before the close is the close of
 * the last one-minute bar ending by then (the last trade price), carried over quiet minutes.
 */
export interface MarketBaseline {
  readonly markets: number;
  readonly skipped: Record<string, number>;
  readonly market: ForecasterScore;
  readonly coinFlip: ForecasterScore;
}

function csv(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return text.trim().split(/\r?\n/).map((l) => l.split(","));
}

const PRICE_COLUMNS = ["ticker", "minute_ts", "close"];
const MARKET_COLUMNS = ["ticker", "close_ts", "inferred_result"];

function header(path: string): string[] {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString("utf8", 0, n).split(/\r?\n/)[0]!.split(",").map((c) => c.trim());
  } finally {
    closeSync(fd);
  }
}

const hasAll = (head: string[], cols: string[]) => cols.every((c) => head.includes(c));

/**
 * Checks both files before any work: each is a readable file, the first is the one-minute YES
 * price file and the second the markets file (by their columns), not the other way round.
 */
export function checkBaselineFiles(pricesFile: string, marketsFile: string): void {
  checkInputFile(pricesFile, "the prices file");
  checkInputFile(marketsFile, "the markets file");
  const p = header(pricesFile);
  const m = header(marketsFile);
  if (hasAll(p, MARKET_COLUMNS) && hasAll(m, PRICE_COLUMNS)) {
    throw new UserError(`the files are swapped: ${pricesFile} is the markets file and ${marketsFile} the prices file; give the one-minute prices file first`);
  }
  const missing = (head: string[], cols: string[]) => cols.filter((c) => !head.includes(c)).join(", ");
  if (!hasAll(p, PRICE_COLUMNS)) throw new UserError(`${pricesFile} is not a one-minute YES price file: it has no column ${missing(p, PRICE_COLUMNS)} (expected ${PRICE_COLUMNS.join(", ")}, …)`);
  if (!hasAll(m, MARKET_COLUMNS)) throw new UserError(`${marketsFile} is not a markets file: it has no column ${missing(m, MARKET_COLUMNS)} (expected ${MARKET_COLUMNS.join(", ")}, …)`);
}

export function marketBaseline(pricesFile: string, marketsFile: string): MarketBaseline {
  checkBaselineFiles(pricesFile, marketsFile);
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);
  const [mHead, ...mRows] = csv(marketsFile);
  const col = (head: string[] | undefined, name: string) => {
    const i = head?.indexOf(name) ?? -1;
    if (i < 0) throw new UserError(`column ${name} missing`);
    return i;
  };
  const mTicker = col(mHead, "ticker");
  const mClose = col(mHead, "close_ts");
  const mResult = col(mHead, "inferred_result");
  const outcome = new Map<string, { close: number; up: boolean }>();
  for (const r of mRows) {
    const result = r[mResult];
    const close = Number(r[mClose]);
    if (result !== "yes" && result !== "no") skip(`result not known (${result})`);
    else if (!Number.isInteger(close)) skip("bad close time");
    else outcome.set(r[mTicker]!, { close, up: result === "yes" });
  }
  const [pHead, ...pRows] = csv(pricesFile);
  const pTicker = col(pHead, "ticker");
  const pMinute = col(pHead, "minute_ts");
  const pClose = col(pHead, "close");
  const bars = new Map<string, { end: number; price: number }[]>();
  for (const r of pRows) {
    const t = r[pTicker]!;
    const minute = Number(r[pMinute]);
    const price = Number(r[pClose]);
    if (!Number.isInteger(minute) || !(price >= 0 && price <= 1)) {
      skip("bad price row");
      continue;
    }
    const list = bars.get(t) ?? [];
    list.push({ end: minute + 60, price });
    bars.set(t, list);
  }
  const card = new Scorecard(["market", "coin_flip"]);
  let markets = 0;
  for (const [ticker, o] of outcome) {
    const list = (bars.get(ticker) ?? []).sort((a, b) => a.end - b.end);
    if (list.length === 0) {
      skip("no price bars");
      continue;
    }
    markets++;
    for (const m of CHECKPOINT_MINUTES) {
      const at = o.close - 60 * m;
      let last: number | null = null;
      for (const b of list) if (b.end <= at) last = b.price;
      if (last !== null) card.record(o.close, m, [last, 0.5]);
    }
    card.resolve(o.close, o.up);
  }
  return { markets, skipped, market: card.score("market"), coinFlip: card.score("coin_flip") };
}
