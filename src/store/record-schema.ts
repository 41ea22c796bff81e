import { z } from "zod";
import type { TradeJournalRecord, WindowRecord } from "../domain/records.ts";

/** A journal line is checked against these before it may change a balance. */
const decimal = z.string().regex(/^-?\d+(\.\d{1,6})?$/, "a decimal string like \"4.3500\"");
const side = z.enum(["yes", "no"]);
const seconds = z.number().int();

const account = z.object({ type: z.literal("account"), t: seconds, ts: z.string(), balance: decimal });
const trade = z.object({
  type: z.literal("trade"),
  id: z.string().min(1),
  t: seconds,
  ts: z.string(),
  ticker: z.string().min(1),
  window_open: seconds,
  window_close: seconds,
  side,
  contracts: z.number().int().positive(),
  requested_contracts: z.number().int().nonnegative(),
  requested_price: decimal,
  price: decimal,
  fills: z.array(z.object({ price: decimal, contracts: z.number().int().positive() })),
  cost: decimal,
  fee: decimal,
  balance_after: decimal,
  p_up: z.number(),
  p_side: z.number(),
  edge: z.number(),
  confidence: z.number(),
  strike: z.string(),
  btc_price: z.string(),
  market: z.string(),
  strike_source: z.enum(["kalshi", "proxy"]).optional(),
  proxy_strike: z.string().optional(),
  kalshi_strike: z.string().optional(),
});
const settlement = z.object({
  type: z.literal("settlement"),
  trade_id: z.string().min(1),
  t: seconds,
  ts: z.string(),
  ticker: z.string(),
  strike: z.string(),
  settlement_value: z.string(),
  result: side,
  won: z.boolean(),
  payout: decimal,
  pnl: decimal,
  balance_after: decimal,
  source: z.string(),
  proxy_settlement_value: z.string().optional(),
});
const voided = z.object({
  type: z.literal("void"),
  trade_id: z.string().min(1),
  t: seconds,
  ts: z.string(),
  ticker: z.string(),
  reason: z.string(),
  refund: decimal,
  balance_after: decimal,
});

const recordSchema = z.discriminatedUnion("type", [account, trade, settlement, voided]);

export function parseTradeRecord(value: unknown): TradeJournalRecord {
  const r = recordSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`not a journal record (${issue?.path.join(".") || "record"}: ${issue?.message ?? "invalid"})`);
  }
  return r.data as TradeJournalRecord;
}

const decimalOrNull = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal string").nullable();
const windowSchema = z.object({
  type: z.literal("window"),
  t: seconds,
  ts: z.string(),
  ticker: z.string().min(1),
  window_open: seconds,
  window_close: seconds,
  strike: decimalOrNull,
  proxy_strike: decimalOrNull,
  settlement_value: decimalOrNull,
  proxy_settlement_value: decimalOrNull,
  result: side.nullable(),
  proxy_result: side.nullable().optional(),
  source: z.string(),
});

/** A line of windows.jsonl, checked before it may count as an outcome. */
export function parseWindowRecord(value: unknown): WindowRecord {
  const r = windowSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`not a window record (${issue?.path.join(".") || "record"}: ${issue?.message ?? "invalid"})`);
  }
  return { proxy_result: null, ...r.data } as WindowRecord;
}
