import { parseDollars } from "../../domain/money.ts";
import { bestAsk, type Quote } from "../../domain/quote.ts";
import type { SettlementRecord, TradeRecord, VoidRecord } from "../../domain/records.ts";
import { isoUtc } from "../../domain/window.ts";
import type { AccountSummary } from "../../engine/account.ts";
import type { ForecastEvent } from "../../engine/engine.ts";
import { visibleWidth } from "./fit.ts";
import { contractPrice, contractPriceText, count, dollars, mmss, pct, plural, priceText, signedPct, signedUsd, usd, usdFromUnits } from "./number-style.ts";
import { seriesOfTicker } from "../../domain/series.ts";

export { mmss } from "./number-style.ts";

/** Colours for a terminal; the identity when output is not one (logs, pipes). */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ansi = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
export const COLOUR: Paint = { bold: ansi(1), dim: ansi(2), green: ansi(32), red: ansi(31), yellow: ansi(33), cyan: ansi(36) };
export const PLAIN: Paint = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s, cyan: (s) => s };

/** The width of the labels in every labelled block (start-up, summary), so values line up. */
export const LABEL_WIDTH = 16;

/** "label           value", the label padded to the block's width. */
export function labelled(label: string, value: string, width = LABEL_WIDTH): string {
  return `${label.padEnd(width - 1)} ${value}`;
}

function winRate(s: AccountSummary): string {
  const settled = s.wins + s.losses;
  return settled === 0 ? "—" : pct(s.wins / settled);
}

function pnlText(s: AccountSummary, c: Paint): string {
  const roi = s.startBalance === 0 ? 0 : s.pnl / s.startBalance;
  return (s.pnl >= 0 ? c.green : c.red)(`${signedUsd(s.pnl)} (${signedPct(roi)})`);
}

/** The account line of the detailed status block. */
export function accountLine(s: AccountSummary, c: Paint): string {
  return `Balance ${c.bold(usd(s.balance))}  P&L ${pnlText(s, c)}  Trades ${count(s.trades)} (won ${count(s.wins)}, lost ${count(s.losses)}, win rate ${winRate(s)})  Open ${count(s.openPositions)}${s.openPositions ? ` (${usd(s.openCost)} at cost)` : ""}  Fees ${usd(s.fees)}`;
}

function quoteLine(q: Quote | null): string {
  if (q === null) return "no quote";
  return `YES ${contractPrice(q.yes.bid)}/${contractPrice(bestAsk(q, "yes"))}  NO ${contractPrice(q.no.bid)}/${contractPrice(bestAsk(q, "no"))} (${q.source})`;
}

export interface StatusInput {
  readonly nowSeconds: number;
  readonly account: AccountSummary;
  readonly forecast: ForecastEvent | null;
  readonly idle: { reason: string; detail: string } | null;
  /** Current price of the coin, in its series' units (cents for BTC), and where it came from. */
  readonly priceCents: number | null;
  /** The coin ("BTC", the default) and its series' price decimals (2, the default). */
  readonly coin?: string;
  readonly priceDigits?: number;
  /** With several series, the series this line is of (shown first, never dropped). */
  readonly label?: string;
  /** Where the price came from, in full (the detailed block). */
  readonly priceSources: string;
  /** The same in a word or two (the one-line status); the full text when absent. */
  readonly source?: string;
  readonly pendingOrders?: number;
  /** More lines (counters of feeds and the venue). */
  readonly extra?: readonly string[];
}

/** The forecast of this very second, if the engine made one (stale ones are not shown as current). */
function currentForecast(i: StatusInput): ForecastEvent | null {
  const f = i.forecast;
  return f !== null && Math.abs(f.t - i.nowSeconds) <= 5 ? f : null;
}

function tradedNow(i: StatusInput): boolean {
  const f = i.forecast;
  return f !== null && f.t === i.nowSeconds && f.decision.kind === "trade";
}

/**
 * The one-line status printed every status interval: balance, P&L, trades, win rate, BTC price
 * and its source, then why the last second did not trade (users ask "why no trades"). On a
 * terminal narrower than all of that it drops fields, least useful first (the source, the win
 * rate, the trade count, the BTC price, the P&L's percentage, then the P&L and the balance), so
 * it stays one line; --detailed shows everything.
 */
export function statusLine(i: StatusInput, c: Paint, width = Infinity): string {
  const s = i.account;
  const why = i.pendingOrders
    ? c.yellow(`${plural(i.pendingOrders, "order")} awaiting a fill`)
    : tradedNow(i)
      ? c.green("Trade this second")
      : i.idle !== null
        ? `No trade: ${c.yellow(i.idle.reason)}`
        : null;
  const pnl = (withPct: boolean) => `P&L: ${withPct ? pnlText(s, c) : (s.pnl >= 0 ? c.green : c.red)(signedUsd(s.pnl))}`;
  const all: readonly (readonly [key: string, text: string | null])[] = [
    ["balance", `Balance: ${c.bold(usd(s.balance))}`],
    ["pnl", pnl(true)],
    ["trades", `Trades: ${count(s.trades)}${s.openPositions ? ` (${count(s.openPositions)} open)` : ""}`],
    ["winRate", `Win Rate: ${winRate(s)}`],
    ["btc", `${i.coin ?? "BTC"}: ${i.priceCents === null ? c.yellow("no price") : c.bold(usdFromUnits(i.priceCents, i.priceDigits))}`],
    ["source", `Source: ${i.source ?? i.priceSources}`],
    ["why", why],
  ];
  const tag = i.label === undefined ? "" : `${c.cyan(i.label)}  `;
  const line = (fields: typeof all) => `${c.dim(`${isoUtc(i.nowSeconds).slice(11, 19)} UTC`)}  ${tag}${fields.flatMap(([, t]) => (t === null ? [] : [t])).join(c.dim(" | "))}`;
  // Each step drops a field, or shortens one, until the line fits.
  const narrower: readonly (readonly [key: string, text: string | null])[] = [
    ["source", null],
    ["winRate", null],
    ["trades", null],
    ["btc", null],
    ["pnl", pnl(false)],
    ["pnl", null],
    ["balance", null],
  ];
  let fields = all;
  for (const [key, text] of narrower) {
    if (visibleWidth(line(fields)) <= width) break;
    fields = fields.map(([k, t]) => [k, k === key ? text : t] as const);
  }
  return line(fields);
}

/** The detailed status block (--detailed): window, strike, forecast, quote, the no-trade reason in full, counters. */
export function statusBlock(i: StatusInput, c: Paint): string {
  const lines = [c.dim(`── ${isoUtc(i.nowSeconds).replace("T", " ").replace("Z", " UTC")}${i.label === undefined ? "" : ` ${i.label}`} ${"─".repeat(40)}`)];
  const units = (x: number) => usdFromUnits(x, i.priceDigits);
  lines.push(accountLine(i.account, c));
  lines.push(`${i.coin ?? "BTC"} ${i.priceCents === null ? c.yellow("no price") : c.bold(units(i.priceCents))}  ${i.priceSources}`);
  const f = currentForecast(i);
  if (f !== null) {
    const ours = f.strikeSource === "kalshi" ? (f.proxyStrikeCents === null ? "" : `; ours ${units(f.proxyStrikeCents)}`) : "";
    lines.push(`Window ${c.cyan(f.window.ticker)}  strike ${units(f.strikeCents)} (${f.strikeSource === "kalshi" ? "Kalshi" : "ours"}${ours})  ${mmss(f.secondsLeft)} left  ${quoteLine(f.quote)}`);
    const x = f.forecast;
    const sign = (v: number) => `${v >= 0 ? "+" : "-"}${Math.abs(v).toFixed(3)}`;
    lines.push(`Forecast P(up) ${c.bold(x.pUp.toFixed(3))} = fair value ${x.fairValue.toFixed(3)} ${sign(x.momentum)} momentum ${sign(x.meanReversion)} mean reversion  (σ15m ${pct(x.sigma15m, 2)})`);
  }
  if (tradedNow(i)) lines.push(c.green("Trade taken this second"));
  else if (i.idle !== null) lines.push(`No trade: ${c.yellow(i.idle.reason)}: ${i.idle.detail}`);
  if (i.pendingOrders) lines.push(c.yellow(`${plural(i.pendingOrders, "order")} awaiting a fill`));
  for (const l of i.extra ?? []) lines.push(c.dim(l));
  return lines.join("\n");
}

/** A row of a box: its label, its text, and how to colour the text once padded. */
type BoxRow = readonly [label: string, text: string, paint?: (s: string) => string];

/**
 * Rows in a box drawn with line characters, labels aligned, as wide as its widest row; on a
 * terminal too narrow for the box, the same rows under the title without the frame.
 */
function box(title: string, rows: readonly BoxRow[], c: Paint, width = Infinity): string {
  const labelWidth = Math.max(...rows.map(([l]) => l.length)) + 2;
  const inner = Math.max(58, title.length + 4, ...rows.map(([, t]) => labelWidth + t.length)) + 2;
  if (inner + 2 > width) return [c.bold(title), ...rows.map(([label, text, paint]) => `  ${label.padEnd(labelWidth)}${(paint ?? ((x: string) => x))(text)}`)].join("\n");
  const top = c.dim("┌─ ") + c.bold(title) + c.dim(` ${"─".repeat(inner - title.length - 3)}┐`);
  const body = rows.map(([label, text, paint]) => `${c.dim("│")} ${label.padEnd(labelWidth)}${(paint ?? ((s: string) => s))(text)}${" ".repeat(inner - 2 - labelWidth - text.length)} ${c.dim("│")}`);
  return [top, ...body, c.dim(`└${"─".repeat(inner)}┘`)].join("\n");
}

function strikeText(r: TradeRecord): string {
  if (r.strike_source === "kalshi") return `${priceText(r.strike)} (Kalshi's${r.proxy_strike ? `; ours ${priceText(r.proxy_strike)}` : ""})`;
  if (r.strike_source === "proxy") return `${priceText(r.strike)} (ours: the 60-s average)`;
  return priceText(r.strike);
}

/** The series and coin a market ticker belongs to ("KXETH15M", "ETH"); Bitcoin's for a ticker btc15 does not know. */
function seriesOf(ticker: string): { readonly series: string; readonly coin: string } {
  const s = seriesOfTicker(ticker);
  return s === null ? { series: ticker.split("-", 1)[0]!, coin: "BTC" } : { series: s.ticker, coin: s.coin };
}

/** The boxed block printed when a trade is made: the series, market, side, size, entry, P(True), edge, confidence, balance. */
export function tradeSignalBlock(r: TradeRecord, c: Paint, width = Infinity): string {
  const side = r.side.toUpperCase();
  const { series, coin } = seriesOf(r.ticker);
  const partial = r.contracts < r.requested_contracts ? ` of ${count(r.requested_contracts)} wanted (partial fill)` : "";
  const asked = parseDollars(r.requested_price) === parseDollars(r.price) ? "" : `  (best ask was ${contractPriceText(r.requested_price)})`;
  const rows: BoxRow[] = [
    ["Market", `${r.ticker}  (${r.market})`, c.cyan],
    ["Side", `BUY ${side}: wins if ${coin} settles ${r.side === "yes" ? "at or above" : "below"} the strike`, r.side === "yes" ? c.green : c.red],
    ["Size", `${plural(r.contracts, "contract")}${partial} = ${dollars(r.cost)} + ${dollars(r.fee)} fee`],
    ["Entry", `${contractPriceText(r.price)} a contract${asked}`],
    ["P(True)", `${r.p_side.toFixed(3)}  (our forecast that ${side} wins)`],
    ["Edge", `${signedPct(r.edge, 2)} after the fee`],
    ["Confidence", `${pct(r.confidence)}  (|P(up) - 0.5|)`],
    ["Balance", `${dollars(r.balance_after)} after this trade`],
    [coin, `${priceText(r.btc_price)}, strike ${strikeText(r)}`],
  ];
  return box(`NEW TRADE SIGNAL · ${series}`, rows, c, width);
}

/** A trade in two lines (journal reports, where many are listed). */
export function tradeBlock(r: TradeRecord, c: Paint): string {
  const side = r.side === "yes" ? c.green("YES") : c.red("NO");
  const partial = r.contracts < r.requested_contracts ? c.yellow(` (partial: ${count(r.contracts)} of ${count(r.requested_contracts)})`) : "";
  return [
    c.bold(`▶ TRADE ${r.ticker}  BUY ${side}  ${plural(r.contracts, "contract")}${partial} @ ${contractPriceText(r.price)} = ${dollars(r.cost)} + fee ${dollars(r.fee)}`),
    `  asked ${contractPriceText(r.requested_price)}  P(${r.side}) ${r.p_side.toFixed(3)}  edge ${signedPct(r.edge, 2)}  confidence ${pct(r.confidence)}  strike ${priceText(r.strike)}  ${seriesOf(r.ticker).coin} ${priceText(r.btc_price)}  balance after ${dollars(r.balance_after)}  [${r.market}]`,
  ].join("\n");
}

/**
 * Printed when a position settles or is voided: one line where it fits, else the outcome first
 * and the settlement against the strike on a line of its own, so no number is cut.
 */
export function settlementLine(r: SettlementRecord | VoidRecord, c: Paint, width = Infinity): string {
  if (r.type === "void") return c.yellow(`■ VOID ${r.ticker} ${r.trade_id}: ${r.reason}; refunded ${dollars(r.refund)}, balance ${dollars(r.balance_after)}`);
  const verdict = r.won ? c.green("WON") : c.red("LOST");
  const cmp = r.settlement_value && r.strike ? `settlement ${priceText(r.settlement_value)} ${r.result === "yes" ? "≥" : "<"} strike ${priceText(r.strike)}` : "";
  const pnl = r.pnl.trim().startsWith("-") ? c.red(`-${dollars(r.pnl.trim().slice(1))}`) : c.green(`+${dollars(r.pnl)}`);
  const tail = `${verdict} ${pnl}  balance ${dollars(r.balance_after)}  [${r.source}]`;
  const one = `■ SETTLED ${r.ticker}  ${r.result.toUpperCase()}${cmp ? ` (${cmp})` : ""}  ${tail}`;
  if (cmp === "" || visibleWidth(one) <= width) return one;
  return `■ SETTLED ${r.ticker}  ${r.result.toUpperCase()}  ${tail}\n  ${cmp}`;
}

/** The reasons for not trading, commonest first, with their counts: "low_edge 1,234, low_confidence 987". */
export function noTradeText(counts: Readonly<Record<string, number>>): string {
  const reasons = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return reasons.length ? reasons.map(([k, n]) => `${k} ${count(n)}`).join(", ") : "—";
}

/** A line of a summary: a [label, value] pair (aligned), or a line of its own (indented as it is). */
export type SummaryLine = readonly [label: string, value: string] | string;

/** The final performance summary. */
export function summaryBlock(s: AccountSummary, extra: readonly SummaryLine[], c: Paint, title = "Performance summary"): string {
  const row = (l: SummaryLine) => `  ${typeof l === "string" ? l : labelled(l[0], l[1])}`;
  const outcomes = [`won ${count(s.wins)}`, `lost ${count(s.losses)}`, ...(s.voided ? [`voided ${count(s.voided)}`] : []), ...(s.openPositions ? [`${count(s.openPositions)} open`] : [])];
  return [
    c.bold(title),
    ...(
      [
        ["start balance", usd(s.startBalance)],
        ["balance", `${usd(s.balance)}${s.openPositions ? `  (+ ${usd(s.openCost)} in ${plural(s.openPositions, "open position")}, at cost)` : ""}`],
        ["P&L", `${signedUsd(s.pnl)}  (ROI ${signedPct(s.startBalance ? s.pnl / s.startBalance : 0)})`],
        ["trades", `${count(s.trades)}  (${outcomes.join(", ")})`],
        ["win rate", winRate(s)],
        ["fees paid", usd(s.fees)],
        ["max drawdown", usd(s.maxDrawdown)],
      ] as const
    ).map(row),
    ...extra.map(row),
  ].join("\n");
}
