import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PredictionRecord, TradeJournalRecord } from "../../src/domain/records.ts";
import { isoUtc, windowAt } from "../../src/domain/window.ts";
import type { WindowRecord } from "../../src/app/commands/report-html/journal-input.ts";

/** 2026-04-27 18:00 UTC: four windows from here, the last still open when the journal ends. */
export const T0 = Date.UTC(2026, 3, 27, 18, 0, 0) / 1000;
const close = (k: number) => T0 + 900 * (k + 1);
const strikeOf = (k: number) => 64000 + 10 * k;

/**
 * A small journal written the way the trader writes one: an account, four trades (won, lost,
 * voided, still open), a prediction every second of four windows, and windows.jsonl for the
 * three that closed (the third without a result). Numbers are chosen so the summary can be
 * worked out by hand:
 *   start $200.00; trade 1 YES 10 @ 55¢ + $0.18 fee, won (+$4.32); trade 2 NO 5 @ 40¢ + $0.09,
 *   lost (−$2.09); trade 3 YES 8 @ 60¢ + $0.14, voided (refunded); trade 4 YES 4 @ 50¢ + $0.07, open.
 *   → cash $200.16, equity $202.23, P&L +$2.23, fees $0.34, max drawdown $2.09.
 */
export interface FixtureJournal {
  readonly dir: string;
  readonly predictions: PredictionRecord[];
  readonly windows: WindowRecord[];
  readonly trades: TradeJournalRecord[];
}

const line = (v: object) => JSON.stringify(v) + "\n";

function tradeRecord(k: number, id: string, t: number, side: "yes" | "no", contracts: number, price: string, fee: string, balanceAfter: string, btc: number): TradeJournalRecord {
  const cost = ((contracts * Number(price) * 100) / 100).toFixed(4);
  return {
    type: "trade",
    id,
    t,
    ts: isoUtc(t),
    ticker: windowAt(t).ticker,
    window_open: close(k) - 900,
    window_close: close(k),
    side,
    contracts,
    requested_contracts: contracts,
    requested_price: price,
    price,
    fills: [{ price, contracts }],
    cost,
    fee,
    balance_after: balanceAfter,
    p_up: 0.6,
    p_side: side === "yes" ? 0.6 : 0.4,
    edge: 0.03,
    confidence: 0.1,
    strike: strikeOf(k).toFixed(2),
    btc_price: btc.toFixed(2),
    market: "synthetic",
  };
}

function priceAt(t: number, k: number): number {
  const s = t - T0;
  return Math.round((64000 + 35 * Math.sin(s / 97) + 12 * k + (s % 37) * 0.5) * 100) / 100;
}

/** Entry second of each trade, by window. */
const ENTRY = [T0 + 200, T0 + 900 + 330, T0 + 1800 + 100, T0 + 2700 + 60];

export function writeFixtureJournal(dir: string, o: { badLines?: boolean } = {}): FixtureJournal {
  mkdirSync(dir, { recursive: true });
  const trades: TradeJournalRecord[] = [
    { type: "account", t: T0, ts: isoUtc(T0), balance: "200.0000" },
    tradeRecord(0, "w0-1", ENTRY[0]!, "yes", 10, "0.5500", "0.1800", "194.3200", priceAt(ENTRY[0]!, 0)),
    { type: "settlement", trade_id: "w0-1", t: close(0), ts: isoUtc(close(0)), ticker: windowAt(ENTRY[0]!).ticker, strike: strikeOf(0).toFixed(2), settlement_value: (strikeOf(0) + 25.5).toFixed(2), result: "yes", won: true, payout: "10.0000", pnl: "4.3200", balance_after: "204.3200", source: "proxy" },
    tradeRecord(1, "w1-1", ENTRY[1]!, "no", 5, "0.4000", "0.0900", "202.2300", priceAt(ENTRY[1]!, 1)),
    { type: "settlement", trade_id: "w1-1", t: close(1), ts: isoUtc(close(1)), ticker: windowAt(ENTRY[1]!).ticker, strike: strikeOf(1).toFixed(2), settlement_value: (strikeOf(1) + 3).toFixed(2), result: "yes", won: false, payout: "0.0000", pnl: "-2.0900", balance_after: "202.2300", source: "proxy" },
    tradeRecord(2, "w2-1", ENTRY[2]!, "yes", 8, "0.6000", "0.1400", "197.2900", priceAt(ENTRY[2]!, 2)),
    { type: "void", trade_id: "w2-1", t: close(2), ts: isoUtc(close(2)), ticker: windowAt(ENTRY[2]!).ticker, reason: "gap in prices", refund: "4.9400", balance_after: "202.2300" },
    tradeRecord(3, "w3-1", ENTRY[3]!, "yes", 4, "0.5000", "0.0700", "200.1600", priceAt(ENTRY[3]!, 3)),
  ];
  // The journal's lines are in time order, as the engine writes them.
  trades.sort((a, b) => a.t - b.t);
  writeFileSync(join(dir, "trades.jsonl"), trades.map(line).join(""));

  const windows: WindowRecord[] = [0, 1, 2].map((k) => {
    const settled = k < 2 ? (strikeOf(k) + (k === 0 ? 25.5 : 3)).toFixed(2) : null;
    return {
      type: "window",
      t: close(k),
      ts: isoUtc(close(k)),
      ticker: windowAt(close(k) - 1).ticker,
      window_open: close(k) - 900,
      window_close: close(k),
      strike: strikeOf(k).toFixed(2),
      proxy_strike: strikeOf(k).toFixed(2),
      settlement_value: settled,
      proxy_settlement_value: settled,
      result: k < 2 ? "yes" : null,
      proxy_result: k < 2 ? "yes" : null,
      source: "proxy",
    };
  });
  writeFileSync(join(dir, "windows.jsonl"), windows.map(line).join("") + (o.badLines ? '{"type":"window","t":"soon"}\n' : ""));

  const predictions: PredictionRecord[] = [];
  const end = ENTRY[3]! + 240; // the journal stops four minutes after the last entry
  for (let t = T0 + 60; t < end; t++) {
    const k = Math.floor((t - T0) / 900);
    const c = close(k);
    const price = priceAt(t, k);
    const strike = strikeOf(k);
    const pUp = Math.round((1 / (1 + Math.exp(-(price - strike) / 20))) * 1e6) / 1e6;
    const fair = Math.round((0.05 + 0.9 * pUp) * 1e6) / 1e6;
    const quoted = t % 120 !== 60; // every other whole minute has no quote
    const yesAsk = quoted ? Math.min(0.99, Math.max(0.01, Math.round((pUp + 0.02) * 100) / 100)) : null;
    const noAsk = quoted ? Math.min(0.99, Math.max(0.01, Math.round((1 - pUp + 0.02) * 100) / 100)) : null;
    const entered = t === ENTRY[k];
    const after = t > ENTRY[k]!;
    predictions.push({
      t,
      ts: isoUtc(t),
      ticker: windowAt(t).ticker,
      seconds_left: c - t,
      btc_price: price,
      strike,
      p_up: pUp,
      fair_value: fair,
      momentum: 0,
      mean_reversion: 0,
      sigma_15m: 0.001,
      yes_ask: yesAsk,
      no_ask: noAsk,
      edge_yes: null,
      edge_no: null,
      confidence: Math.abs(pUp - 0.5),
      action: entered ? "trade" : "none",
      side: entered ? (k === 1 ? "no" : "yes") : null,
      reason: entered ? "edge 3.00% on YES" : c - t < 30 ? "too_late: 20s left" : after ? "already_positioned: 1 entry this window (max 1)" : "low_edge: best edge 0.50% (YES) < 1.50%",
    });
  }
  const lines = predictions.map(line);
  if (o.badLines) lines.splice(100, 0, "{not json\n", '{"t":1,"ticker":"x"}\n');
  writeFileSync(join(dir, "predictions.jsonl"), lines.join(""));
  if (o.badLines) appendFileSync(join(dir, "predictions.jsonl"), '{"t":17');
  return { dir, predictions, windows, trades };
}

/** Only an account record: a session that never traded or predicted. */
export function writeEmptyJournal(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "trades.jsonl"), line({ type: "account", t: T0, ts: isoUtc(T0), balance: "200.0000" }));
}
