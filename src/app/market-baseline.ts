import { readFileSync } from "node:fs";
import { UserError } from "../domain/errors.ts";
import { CHECKPOINT_MINUTES, type ForecasterScore, Scorecard } from "../report/scorecard.ts";

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

export function marketBaseline(pricesFile: string, marketsFile: string): MarketBaseline {
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
