import { describe, expect, it } from "vitest";
import { takerFee } from "../../src/domain/fees.ts";
import { formatDecimal, parseDollars } from "../../src/domain/money.ts";
import type { TradeJournalRecord } from "../../src/domain/records.ts";
import { Account, JournalStateError } from "../../src/engine/account.ts";
import { parseTradeRecord } from "../../src/store/record-schema.ts";
import { rng } from "../helpers.ts";

function trade(id: string, close: number, contracts: number, price: number, fee: number): TradeJournalRecord {
  return {
    type: "trade", id, t: close - 600, ts: "", ticker: `T${close}`, window_open: close - 900, window_close: close, side: "yes",
    contracts, requested_contracts: contracts, requested_price: formatDecimal(price), price: formatDecimal(price),
    fills: [{ price: formatDecimal(price), contracts }], cost: formatDecimal(contracts * price), fee: formatDecimal(fee),
    balance_after: "0", p_up: 0.6, p_side: 0.6, edge: 0.02, confidence: 0.1, strike: "100.00", btc_price: "100.00", market: "test",
  };
}

function settle(id: string, won: boolean, contracts: number): TradeJournalRecord {
  return { type: "settlement", trade_id: id, t: 0, ts: "", ticker: "", strike: "", settlement_value: "", result: won ? "yes" : "no", won, payout: formatDecimal(won ? contracts * 10_000 : 0), pnl: "0", balance_after: "0", source: "proxy" };
}

describe("exact money over thousands of trades", () => {
  it("ends at exactly start − costs − fees + payouts, through the journal's text and back", () => {
    const r = rng(42);
    const records: TradeJournalRecord[] = [{ type: "account", t: 0, ts: "", balance: "200.0000" }];
    let expected = 200n * 10_000n;
    let floatDollars = 200; // what a float balance would drift to
    for (let i = 0; i < 5_000; i++) {
      const price = 100 + Math.floor(r() * 9_800); // 1¢ … 99¢, tenth-of-a-cent steps included
      const contracts = 1 + Math.floor(r() * 30);
      const fee = takerFee([{ price, contracts }], 700);
      const won = r() < 0.5;
      records.push(trade(`t${i}`, 900 * (i + 1), contracts, price, fee), settle(`t${i}`, won, contracts));
      expected += BigInt(-contracts * price - fee + (won ? contracts * 10_000 : 0));
      floatDollars += (-contracts * price - fee + (won ? contracts * 10_000 : 0)) / 10_000;
    }
    // As a restart would: every record through JSON text and the schema.
    const reread = records.map((rec) => parseTradeRecord(JSON.parse(JSON.stringify(rec))));
    const account = Account.fromRecords(reread, 0);
    expect(BigInt(account.balance)).toBe(expected);
    expect(account.summary().trades).toBe(5_000);
    expect(account.summary().wins + account.summary().losses).toBe(5_000);
    expect(account.positions.size).toBe(0);
    expect(parseDollars(formatDecimal(account.balance))).toBe(account.balance);
    // The float sum is close but not exact: the reason money is integers.
    expect(Math.abs(floatDollars * 10_000 - Number(expected))).toBeGreaterThan(0);
  });

  it("refunds a voided trade in full and forgets it", () => {
    const a = Account.fromRecords([{ type: "account", t: 0, ts: "", balance: "10.0000" }, trade("a", 900, 3, 5000, 600)], 0);
    expect(a.balance).toBe(100_000 - 15_000 - 600);
    a.apply({ type: "void", trade_id: "a", t: 1, ts: "", ticker: "", reason: "test", refund: "1.5600", balance_after: "10.0000" });
    expect(a.balance).toBe(100_000);
    expect(a.summary()).toMatchObject({ trades: 0, voided: 1, fees: 0, openPositions: 0 });
  });

  it("refuses a journal that settles a trade twice or repeats an id", () => {
    const a = Account.fromRecords([trade("a", 900, 1, 5000, 200), settle("a", true, 1)], 2_000_000);
    expect(() => a.apply(settle("a", true, 1))).toThrow(JournalStateError);
    expect(() => a.apply(trade("b", 900, 1, 5000, 200))).not.toThrow();
    expect(() => a.apply(trade("b", 900, 1, 5000, 200))).toThrow(JournalStateError);
  });

  it("tracks the drawdown of equity from its peak", () => {
    const a = new Account(1_000_000);
    a.apply(trade("a", 900, 10, 5000, 200));
    a.apply(settle("a", true, 10)); // +100,000 − 50,000 − 200
    a.apply(trade("b", 1800, 20, 5000, 400));
    a.apply(settle("b", false, 20)); // −100,400
    expect(a.summary().peakEquity).toBe(1_049_800);
    expect(a.summary().maxDrawdown).toBe(100_400);
  });
});
