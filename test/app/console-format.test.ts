// What the console prints: one number style, the boxed trade signal, the one-line status, the
// summary's aligned labels, a noun that agrees with its count.
import { describe, expect, it } from "vitest";
import { consoleColumns, visibleWidth, wrapLine } from "../../src/app/console/fit.ts";
import { COLOUR, PLAIN, type StatusInput, settlementLine, statusBlock, statusLine, summaryBlock, tradeBlock, tradeSignalBlock } from "../../src/app/console/console-format.ts";
import { contractPrice, contractPriceText, count, dollars, duration, plural, signedPct, signedUsd, usd, usdFromCents, usdFromNumber } from "../../src/app/console/number-style.ts";
import type { SettlementRecord, TradeRecord } from "../../src/domain/records.ts";
import type { AccountSummary } from "../../src/engine/account.ts";
import type { ForecastEvent } from "../../src/engine/engine.ts";

const trade: TradeRecord = {
  type: "trade",
  id: "20261126T1345Z-1",
  t: 1_795_700_400,
  ts: "2026-11-26T13:40:00Z",
  ticker: "KXBTC15M-26NOV260845-45",
  window_open: 1_795_699_800,
  window_close: 1_795_700_700,
  side: "no",
  contracts: 26,
  requested_contracts: 26,
  requested_price: "0.5500",
  price: "0.5500",
  fills: [{ price: "0.5500", contracts: 26 }],
  cost: "14.3000",
  fee: "0.4600",
  balance_after: "185.2400",
  p_up: 0.3,
  p_side: 0.7,
  edge: 0.1327,
  confidence: 0.2,
  strike: "64839.26",
  btc_price: "64001.9",
  market: "kalshi",
  strike_source: "kalshi",
  proxy_strike: "63999.07",
};

const account = (o: Partial<AccountSummary> = {}): AccountSummary => ({
  startBalance: 2_000_000,
  balance: 1_852_400,
  peakEquity: 2_000_000,
  maxDrawdown: 0,
  pnl: 0,
  fees: 4_600,
  trades: 1,
  settled: 0,
  wins: 0,
  losses: 0,
  voided: 0,
  openPositions: 1,
  openCost: 147_600,
  ...o,
});

const visible = (s: string) => s.replaceAll("\x1b", "⎋").replace(/⎋\[\d+m/g, "");

describe("number style", () => {
  it("writes dollars as $63,999.60 and contract prices as 45¢, whatever form the number comes in", () => {
    expect(usd(639_996_000)).toBe("$63,999.60");
    // Always to the cent on the console, halves away from zero (the journal keeps the exact figure).
    expect(usd(1_852_450)).toBe("$185.25");
    expect(usd(999_489_240)).toBe("$99,948.92");
    expect(usd(-1_852_450)).toBe("-$185.25");
    expect(signedUsd(-49)).toBe("+$0.00");
    expect(signedUsd(-50)).toBe("-$0.01");
    expect(dollars("185.3560")).toBe("$185.36");
    expect(dollars("63999.6")).toBe("$63,999.60");
    expect(dollars("64839.2600")).toBe("$64,839.26");
    expect(dollars("0.123456")).toBe("$0.12"); // finer than the journal's unit: shown rounded, never refused
    expect(usdFromNumber(63_999.6)).toBe("$63,999.60");
    expect(usdFromNumber(90_956)).toBe("$90,956.00");
    expect(usdFromCents(6_399_960)).toBe("$63,999.60");
    expect(signedUsd(-61_900)).toBe("-$6.19");
    expect(signedUsd(0)).toBe("+$0.00");
    expect(contractPrice(4_500)).toBe("45¢");
    expect(contractPrice(4_550)).toBe("45.5¢");
    expect(contractPrice(null)).toBe("—");
    expect(contractPriceText("0.0500")).toBe("5¢");
    expect(signedPct(-0.0132, 2)).toBe("-1.32%");
    expect(count(1_742)).toBe("1,742");
  });

  it("agrees a noun with its count", () => {
    expect(plural(1, "trade")).toBe("1 trade");
    expect(plural(2, "trade")).toBe("2 trades");
    expect(plural(0, "trade")).toBe("0 trades");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(1_920, "row")).toBe("1,920 rows");
  });

  it("gives a length of time at a sensible grain", () => {
    expect(duration(45.4)).toBe("45s");
    expect(duration(500)).toBe("8m 20s");
    expect(duration(6 * 3600)).toBe("6h 00m");
    expect(duration(12 * 3600 + 5 * 60)).toBe("12h 05m");
  });
});

describe("the NEW TRADE SIGNAL block", () => {
  it("boxes market, side, size, entry, P(True), edge, confidence and balance, labels aligned", () => {
    const text = tradeSignalBlock(trade, PLAIN);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^┌─ NEW TRADE SIGNAL · KXBTC15M ─+┐$/);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    // Every line of the box is as wide as the others.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    const rows = Object.fromEntries(lines.slice(1, -1).map((l) => /^│ (\S+) +(.*?) +│$/.exec(l)!.slice(1, 3) as [string, string]));
    expect(rows).toEqual({
      Market: "KXBTC15M-26NOV260845-45  (kalshi)",
      Side: "BUY NO: wins if BTC settles below the strike",
      Size: "26 contracts = $14.30 + $0.46 fee",
      Entry: "55¢ a contract",
      "P(True)": "0.700  (our forecast that NO wins)",
      Edge: "+13.27% after the fee",
      Confidence: "20.0%  (|P(up) - 0.5|)",
      Balance: "$185.24 after this trade",
      BTC: "$64,001.90, strike $64,839.26 (Kalshi's; ours $63,999.07)",
    });
    // The values start in one column.
    expect(new Set(lines.slice(1, -1).map((l) => /^│ \S+ +/.exec(l)![0].length))).toEqual(new Set([14]));
  });

  it("says when a fill was partial, at a price other than the best ask, or on our own strike", () => {
    const text = tradeSignalBlock({ ...trade, side: "yes", contracts: 1, requested_contracts: 20, price: "0.5650", strike_source: "proxy", proxy_strike: undefined }, PLAIN);
    expect(text).toMatch(/│ Side {8}BUY YES: wins if BTC settles at or above the strike +│/);
    expect(text).toMatch(/│ Size {8}1 contract of 20 wanted \(partial fill\) = \$14\.30 \+ \$0\.46 fee +│/);
    expect(text).toMatch(/│ Entry {7}56\.5¢ a contract {2}\(best ask was 55¢\) +│/);
    expect(text).toMatch(/strike \$64,839\.26 \(ours: the 60-s average\)/);
  });

  it("keeps the box straight when coloured for a terminal", () => {
    const lines = tradeSignalBlock(trade, COLOUR).split("\n");
    expect(lines.some((l) => l.includes("\x1b["))).toBe(true);
    expect(new Set(lines.map((l) => visible(l).length)).size).toBe(1);
  });

  it("drops the frame, keeping every row, on a terminal narrower than the box", () => {
    expect(tradeSignalBlock(trade, PLAIN, 80)).toBe(tradeSignalBlock(trade, PLAIN));
    const narrow = tradeSignalBlock(trade, PLAIN, 60).split("\n");
    expect(narrow[0]).toBe("NEW TRADE SIGNAL · KXBTC15M");
    expect(narrow).toContain("  Balance     $185.24 after this trade");
    expect(narrow).toHaveLength(10);
    expect(narrow.join("\n")).not.toMatch(/[│┌└]/);
  });

  it("keeps the two-line form for listing many trades, in the same number style", () => {
    const text = tradeBlock({ ...trade, contracts: 1, requested_contracts: 1 }, PLAIN);
    expect(text).toMatch(/^▶ TRADE KXBTC15M-26NOV260845-45 {2}BUY NO {2}1 contract @ 55¢ = \$14\.30 \+ fee \$0\.46$/m);
    expect(text).toMatch(/strike \$64,839\.26 {2}BTC \$64,001\.90 {2}balance after \$185\.24/);
  });
});

describe("a settlement line", () => {
  it("shows the result, the settlement against the strike and the P&L in the one style", () => {
    const s: SettlementRecord = { type: "settlement", trade_id: "X-1", t: 0, ts: "", ticker: "KXBTC15M-24NOV301845-45", strike: "96335.95", settlement_value: "96446.22", result: "yes", won: false, payout: "0.0000", pnl: "-6.1900", balance_after: "193.8100", source: "proxy" };
    expect(settlementLine(s, PLAIN)).toBe("■ SETTLED KXBTC15M-24NOV301845-45  YES (settlement $96,446.22 ≥ strike $96,335.95)  LOST -$6.19  balance $193.81  [proxy]");
    expect(settlementLine({ ...s, result: "no", won: true, pnl: "1234.5", settlement_value: "96000" }, PLAIN)).toMatch(/NO \(settlement \$96,000\.00 < strike \$96,335\.95\) {2}WON \+\$1,234\.50 /);
  });

  it("goes on two lines on an 80-column terminal, the outcome first, never cutting a number", () => {
    const s: SettlementRecord = { type: "settlement", trade_id: "X-1", t: 0, ts: "", ticker: "KXBTC15M-24NOV301900-00", strike: "96446.22", settlement_value: "96389.72", result: "no", won: true, payout: "8.0000", pnl: "5.4800", balance_after: "199.2900", source: "proxy" };
    expect(settlementLine(s, COLOUR, 80).split("\n").map(visible)).toEqual(["■ SETTLED KXBTC15M-24NOV301900-00  NO  WON +$5.48  balance $199.29  [proxy]", "  settlement $96,389.72 < strike $96,446.22"]);
    expect(settlementLine(s, PLAIN, 120)).not.toContain("\n");
  });
});

function forecastAt(t: number, decision: ForecastEvent["decision"]): ForecastEvent {
  return {
    t,
    window: { ticker: "KXBTC15M-26NOV260845-45", open: t - 400, close: t + 500 },
    secondsLeft: 500,
    priceCents: 6_400_000,
    strikeCents: 6_483_926,
    strikeSource: "kalshi",
    proxyStrikeCents: 6_399_907,
    forecast: { pUp: 0.3, fairValue: 0.3, momentum: 0, meanReversion: 0, sigma15m: 0.0012 },
    quote: null,
    decision,
  } as unknown as ForecastEvent;
}

describe("the status", () => {
  const base: StatusInput = {
    nowSeconds: 1_795_700_400, // 2026-11-26 13:40:00 UTC
    account: account(),
    forecast: null,
    idle: { reason: "already_positioned", detail: "1 entry this window (max 1)" },
    priceCents: 6_400_076,
    priceSources: "median of coinbase, kraken, bitstamp, binanceus (4/7 sources)",
    source: "median of 4/7",
  };

  it("is one line by default: balance, P&L, trades, win rate, BTC price, source, and why no trade", () => {
    const line = statusLine(base, PLAIN);
    expect(line).not.toContain("\n");
    expect(line).toBe("13:40:00 UTC  Balance: $185.24 | P&L: +$0.00 (+0.0%) | Trades: 1 (1 open) | Win Rate: — | BTC: $64,000.76 | Source: median of 4/7 | No trade: already_positioned");
    const settled = statusLine({ ...base, account: account({ trades: 3, wins: 2, losses: 1, openPositions: 0, pnl: -78_300 }) }, PLAIN);
    expect(settled).toMatch(/P&L: -\$7\.83 \(-3\.9%\) \| Trades: 3 \| Win Rate: 66\.7% \|/);
  });

  it("drops fields on a narrow terminal, least useful first, and stays one line", () => {
    const at = (width: number) => statusLine(base, COLOUR, width);
    expect(visible(at(200))).toBe(statusLine(base, PLAIN));
    expect(visible(at(125))).toBe("13:40:00 UTC  Balance: $185.24 | P&L: +$0.00 (+0.0%) | Trades: 1 (1 open) | BTC: $64,000.76 | No trade: already_positioned");
    expect(visible(at(102))).toBe("13:40:00 UTC  Balance: $185.24 | P&L: +$0.00 (+0.0%) | BTC: $64,000.76 | No trade: already_positioned");
    expect(visible(at(80))).toBe("13:40:00 UTC  Balance: $185.24 | P&L: +$0.00 | No trade: already_positioned");
    const short = { ...base, idle: { reason: "low_edge", detail: "" } };
    expect(visible(statusLine(short, PLAIN, 80))).toBe("13:40:00 UTC  Balance: $185.24 | P&L: +$0.00 (+0.0%) | No trade: low_edge");
    for (const width of [45, 60, 72, 80, 90, 100, 130, 160]) expect(visibleWidth(at(width))).toBeLessThanOrEqual(width);
  });

  it("says a trade was made this second, or that orders await a fill, instead of a stale reason", () => {
    const traded = { ...base, forecast: forecastAt(base.nowSeconds, { kind: "trade" } as ForecastEvent["decision"]) };
    expect(statusLine(traded, PLAIN)).toMatch(/\| Trade this second$/);
    expect(statusLine({ ...base, pendingOrders: 1 }, PLAIN)).toMatch(/\| 1 order awaiting a fill$/);
    expect(statusLine({ ...base, pendingOrders: 2 }, PLAIN)).toMatch(/\| 2 orders awaiting a fill$/);
    expect(statusLine({ ...base, priceCents: null, source: "none" }, PLAIN)).toMatch(/BTC: no price \| Source: none/);
  });

  it("has the detailed block as an option: window, strike, forecast, the reason in full, counters", () => {
    const block = statusBlock({ ...base, forecast: forecastAt(base.nowSeconds, { kind: "none" } as ForecastEvent["decision"]), extra: ["kalshi: 7 requests"] }, PLAIN).split("\n");
    expect(block[0]).toMatch(/^── 2026-11-26 13:40:00 UTC ─+$/);
    expect(block[1]).toBe("Balance $185.24  P&L +$0.00 (+0.0%)  Trades 1 (won 0, lost 0, win rate —)  Open 1 ($14.76 at cost)  Fees $0.46");
    expect(block[2]).toBe("BTC $64,000.76  median of coinbase, kraken, bitstamp, binanceus (4/7 sources)");
    expect(block[3]).toBe("Window KXBTC15M-26NOV260845-45  strike $64,839.26 (Kalshi; ours $63,999.07)  8m 20s left  no quote");
    expect(block[4]).toMatch(/^Forecast P\(up\) 0\.300 = fair value 0\.300 \+0\.000 momentum \+0\.000 mean reversion {2}\(σ15m 0\.12%\)$/);
    expect(block[5]).toBe("No trade: already_positioned: 1 entry this window (max 1)");
    expect(block[6]).toBe("kalshi: 7 requests");
  });
});

describe("the performance summary", () => {
  it("lines its labels up, extra lines included, and counts in the singular when there is one", () => {
    const text = summaryBlock(account(), [["windows", "2 closed"], ["exports", "trades.csv (1 row)"], "  coinbase   12 msgs"], PLAIN);
    const rows = text.split("\n").slice(1);
    const columns = new Set(rows.filter((l) => /^ {2}\S/.test(l)).map((l) => /^ {2}\S+(?: \S+)* {2,}/.exec(l)?.[0].length ?? /^ {2}\S+ /.exec(l)![0].length));
    expect(columns).toEqual(new Set([18]));
    expect(text).toMatch(/^ {2}balance {9}\$185\.24 {2}\(\+ \$14\.76 in 1 open position, at cost\)$/m);
    expect(text).toMatch(/^ {2}trades {10}1 {2}\(won 0, lost 0, 1 open\)$/m);
    expect(text).toMatch(/^ {2}windows {9}2 closed$/m);
    expect(text).toMatch(/^ {4}coinbase {3}12 msgs$/m);
    expect(summaryBlock(account({ openPositions: 2 }), [], PLAIN)).toMatch(/in 2 open positions, at cost/);
  });
});

describe("a line too wide for the terminal", () => {
  it("breaks between words, never inside a number, and carries on under its value", () => {
    const line = "strategy   min edge 1.5%, min confidence 3.0%, 0.5× Kelly, max $15.00/trade, 1 entry/window, fee rate 0.07";
    expect(wrapLine(line, 80)).toEqual(["strategy   min edge 1.5%, min confidence 3.0%, 0.5× Kelly, max $15.00/trade, 1", "           entry/window, fee rate 0.07"]);
    const money = "■ VOID KXBTC15M-24NOV301900-00 X-1: no result after 24 h; refunded $1,234,567.89, balance $96,389.72";
    for (const w of [40, 50, 60, 70]) {
      const lines = wrapLine(money, w);
      for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(w);
      expect(lines.join(" ").replace(/ +/g, " ")).toBe(money);
    }
    expect(wrapLine("short", 80)).toEqual(["short"]);
  });

  it("takes the terminal's width, else $COLUMNS, else 80", () => {
    expect(consoleColumns({ isTTY: true, columns: 120 }, { COLUMNS: "100" })).toBe(120);
    expect(consoleColumns({ isTTY: false }, { COLUMNS: "100" })).toBe(100);
    expect(consoleColumns({}, { COLUMNS: "wide" })).toBe(80);
    expect(consoleColumns({})).toBe(80);
  });

  it("counts colour codes as nothing, and cuts a word longer than the line only as a last resort", () => {
    const coloured = `${COLOUR.yellow("warning:")} ${"word ".repeat(20).trim()}`;
    for (const l of wrapLine(coloured, 30)) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(wrapLine(`path ${"x".repeat(50)}`, 20).every((l) => visibleWidth(l) <= 20)).toBe(true);
  });
});
