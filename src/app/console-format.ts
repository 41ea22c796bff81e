import { formatUsd, parseDollars } from "../domain/money.ts";
import { bestAsk, type Quote } from "../domain/quote.ts";
import type { SettlementRecord, TradeRecord, VoidRecord } from "../domain/records.ts";
import { isoUtc } from "../domain/window.ts";
import type { AccountSummary } from "../engine/account.ts";
import type { ForecastEvent } from "../engine/engine.ts";

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

const usd = (units: number) => formatUsd(units);
const signedUsd = (units: number) => (units >= 0 ? "+" : "-") + formatUsd(Math.abs(units));
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const cents = (p: number | null) => (p === null ? "—" : `${p / 100}¢`);
const priceText = (s: string) => cents(parseDollars(s));
const dollarsText = (s: string) => `$${Number(s).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const btc = (centsValue: number) => `$${(centsValue / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function mmss(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${m}m ${String(s).padStart(2, "0")}s`;
}

/** The account line shared by the status block and the final summary. */
export function accountLine(s: AccountSummary, c: Paint): string {
  const roi = s.startBalance === 0 ? 0 : s.pnl / s.startBalance;
  const settled = s.wins + s.losses;
  const rate = settled === 0 ? "—" : pct(s.wins / settled);
  const pnl = (s.pnl >= 0 ? c.green : c.red)(`${signedUsd(s.pnl)} (${roi >= 0 ? "+" : ""}${pct(roi)})`);
  return `Balance ${c.bold(usd(s.balance))}  P&L ${pnl}  Trades ${s.trades} (won ${s.wins}, lost ${s.losses}, win rate ${rate})  Open ${s.openPositions}${s.openPositions ? ` (${usd(s.openCost)} at cost)` : ""}  Fees ${usd(s.fees)}`;
}

function quoteLine(q: Quote | null): string {
  if (q === null) return "no quote";
  const yesAsk = bestAsk(q, "yes");
  const noAsk = bestAsk(q, "no");
  return `YES ${cents(q.yes.bid)}/${cents(yesAsk)}  NO ${cents(q.no.bid)}/${cents(noAsk)} (${q.source})`;
}

export interface StatusInput {
  readonly nowSeconds: number;
  readonly account: AccountSummary;
  readonly forecast: ForecastEvent | null;
  readonly idle: { reason: string; detail: string } | null;
  /** Current BTC price (cents) and where it came from. */
  readonly priceCents: number | null;
  readonly priceSources: string;
  readonly pendingOrders?: number;
  /** More lines (counters of feeds and the venue). */
  readonly extra?: readonly string[];
}

/** The status block printed every status interval. */
export function statusBlock(i: StatusInput, c: Paint): string {
  const lines = [c.dim(`── ${isoUtc(i.nowSeconds).replace("T", " ").replace("Z", " UTC")} ${"─".repeat(40)}`)];
  lines.push(accountLine(i.account, c));
  lines.push(`BTC ${i.priceCents === null ? c.yellow("no price") : c.bold(btc(i.priceCents))}  ${i.priceSources}`);
  const f = i.forecast;
  if (f !== null && Math.abs(f.t - i.nowSeconds) <= 5) {
    const ours = f.strikeSource === "kalshi" ? (f.proxyStrikeCents === null ? "" : `; ours ${btc(f.proxyStrikeCents)}`) : "";
    lines.push(`Window ${c.cyan(f.window.ticker)}  strike ${btc(f.strikeCents)} (${f.strikeSource === "kalshi" ? "Kalshi" : "ours"}${ours})  ${mmss(f.secondsLeft)} left  ${quoteLine(f.quote)}`);
    const x = f.forecast;
    const sign = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(3)}`;
    lines.push(`Forecast P(up) ${c.bold(x.pUp.toFixed(3))} = fair value ${x.fairValue.toFixed(3)} ${sign(x.momentum)} momentum ${sign(x.meanReversion)} mean reversion  (σ15m ${pct(x.sigma15m, 2)})`);
  }
  if (f !== null && f.decision.kind === "trade") lines.push(c.green("Trade taken this second"));
  else if (i.idle !== null) lines.push(`No trade: ${c.yellow(i.idle.reason)}: ${i.idle.detail}`);
  if (i.pendingOrders) lines.push(c.yellow(`${i.pendingOrders} order(s) awaiting a fill`));
  for (const l of i.extra ?? []) lines.push(c.dim(l));
  return lines.join("\n");
}

/** Printed when a trade is made. */
export function tradeBlock(r: TradeRecord, c: Paint): string {
  const side = r.side === "yes" ? c.green("YES") : c.red("NO");
  const partial = r.contracts < r.requested_contracts ? c.yellow(` (partial: ${r.contracts} of ${r.requested_contracts})`) : "";
  return [
    c.bold(`▶ TRADE ${r.ticker}  BUY ${side}  ${r.contracts} contract${r.contracts === 1 ? "" : "s"}${partial} @ ${priceText(r.price)} = ${dollarsText(r.cost)} + fee ${dollarsText(r.fee)}`),
    `  asked ${priceText(r.requested_price)}  P(${r.side}) ${r.p_side.toFixed(3)}  edge ${pct(r.edge, 2)}  confidence ${pct(r.confidence, 1)}  strike ${dollarsText(r.strike)}  BTC ${dollarsText(r.btc_price)}  balance after ${dollarsText(r.balance_after)}  [${r.market}]`,
  ].join("\n");
}

/** Printed when a position settles or is voided. */
export function settlementLine(r: SettlementRecord | VoidRecord, c: Paint): string {
  if (r.type === "void") return c.yellow(`■ VOID ${r.ticker} ${r.trade_id}: ${r.reason}; refunded ${dollarsText(r.refund)}, balance ${dollarsText(r.balance_after)}`);
  const verdict = r.won ? c.green("WON") : c.red("LOST");
  const cmp = r.settlement_value && r.strike ? ` (settlement ${dollarsText(r.settlement_value)} ${r.result === "yes" ? "≥" : "<"} strike ${dollarsText(r.strike)})` : "";
  const pnl = Number(r.pnl);
  return `■ SETTLED ${r.ticker}  ${r.result.toUpperCase()}${cmp}  ${verdict} ${(pnl >= 0 ? c.green : c.red)(`${pnl >= 0 ? "+" : "-"}$${Math.abs(pnl).toFixed(2)}`)}  balance ${dollarsText(r.balance_after)}  [${r.source}]`;
}

/** The final performance summary. */
export function summaryBlock(s: AccountSummary, extra: readonly string[], c: Paint): string {
  const settled = s.wins + s.losses;
  return [
    c.bold("Performance summary"),
    `  start balance   ${usd(s.startBalance)}`,
    `  balance         ${usd(s.balance)}${s.openPositions ? `  (+ ${usd(s.openCost)} in ${s.openPositions} open position${s.openPositions === 1 ? "" : "s"}, at cost)` : ""}`,
    `  P&L             ${signedUsd(s.pnl)}  (ROI ${pct(s.startBalance ? s.pnl / s.startBalance : 0)})`,
    `  trades          ${s.trades}  (won ${s.wins}, lost ${s.losses}${s.voided ? `, voided ${s.voided}` : ""})`,
    `  win rate        ${settled ? pct(s.wins / settled) : "—"}`,
    `  fees paid       ${usd(s.fees)}`,
    `  max drawdown    ${usd(s.maxDrawdown)}`,
    ...extra.map((l) => `  ${l}`),
  ].join("\n");
}
