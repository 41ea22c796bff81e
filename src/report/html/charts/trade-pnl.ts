import { formatPriceCents, moneyToDollars } from "../../../domain/money.ts";
import type { TradeRow } from "../report-data.ts";
import { axisUsd, count, signedUsd, usd } from "../format.ts";
import { frame, legend, niceDomain, niceTicks, px, svgChart, utcMinute, xAxis, yAxis } from "../svg.ts";
import { table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
/** More bars than this would be thinner than a pixel on a laptop screen. */
export const MAX_TRADE_BARS = 150;
const TABLE_ROWS = 15;

/** Net P&L of each settled trade (after its fee) as a bar, with the fee it paid as a grey bar beside it. */
export function tradePnlFigure(trades: readonly TradeRow[]): Figure {
  const settled = trades.filter((t) => t.status === "won" || t.status === "lost");
  if (settled.length === 0) {
    const open = trades.filter((t) => t.status === "open").length;
    return { empty: trades.length === 0 ? "No trades in this journal." : `No settled trades yet (${open} open, ${trades.length - open} voided).` };
  }
  const shown = settled.slice(-MAX_TRADE_BARS);
  const net = shown.map((t) => moneyToDollars(t.pnl ?? 0));
  const fees = shown.map((t) => moneyToDollars(t.fee));
  const [ylo, yhi] = niceDomain(Math.min(0, ...net, ...fees.map((f) => -f)), Math.max(0, ...net), 4);
  const f = frame({ left: 72, right: W - 16, top: 30, bottom: 250 }, [0, shown.length], [ylo, yhi]);
  // Bars at most 28 px wide, centred in their slot, so a handful of trades does not look like a bar chart of three.
  const slot = (f.right - f.left) / shown.length;
  const barW = Math.min(slot * 0.55, 28);
  const feeW = Math.min(slot * 0.22, 10);
  const gap = Math.min(slot * 0.03, 3);
  const start = (slot - barW - gap - feeW) / 2;
  const y0 = f.y(0);
  const bars = shown
    .map((t, i) => {
      const x = f.x(i);
      const yv = f.y(net[i]!);
      const yf = f.y(-fees[i]!);
      const label = `${t.ticker} ${t.side.toUpperCase()} ${t.contracts} @ ${formatPriceCents(t.price)}: ${signedUsd(t.pnl ?? 0)} after fee ${usd(t.fee)}`;
      return (
        `<rect class="${t.status === "won" ? "win" : "loss"} bar mark" x="${px(x + start)}" width="${px(Math.max(0.6, barW))}" y="${px(Math.min(yv, y0))}" height="${px(Math.max(0.6, Math.abs(yv - y0)))}"><title>${label}</title></rect>` +
        `<rect class="fee bar" x="${px(x + start + barW + gap)}" width="${px(Math.max(0.4, feeW))}" y="${px(y0)}" height="${px(Math.max(0.4, yf - y0))}"/>`
      );
    })
    .join("");
  const step = Math.max(1, Math.ceil(shown.length / 8));
  const ticks = [];
  for (let i = 0; i < shown.length; i += step) ticks.push({ v: i + 0.5, label: String(settled.length - shown.length + i + 1) });
  const body =
    yAxis(f, niceTicks(ylo, yhi, 4), axisUsd, "P&L per trade ($)") +
    xAxis(f, ticks, "settled trade (in order)") +
    `<line class="zero" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(y0)}" y2="${px(y0)}"/>` +
    bars +
    legend(f.left, 12, [
      { cls: "win", label: "won (net of fee)" },
      { cls: "loss", label: "lost (net of fee)" },
      { cls: "fee", label: "fee paid" },
    ]);
  const sum = (xs: readonly TradeRow[], k: (t: TradeRow) => number) => xs.reduce((a, t) => a + k(t), 0);
  const netAll = sum(settled, (t) => t.pnl ?? 0);
  const feeAll = sum(settled, (t) => t.fee);
  const totals = table(`Settled trades (${count(settled.length)})`, [], [
    ["before fees", signedUsd(netAll + feeAll)],
    ["fees", { text: usd(feeAll), field: "settled-fees" }],
    ["after fees", { text: signedUsd(netAll), field: "settled-pnl" }],
  ]);
  const recent = settled.slice(-TABLE_ROWS).reverse();
  const list = table(
    `Last ${recent.length} settled trades, newest first`,
    ["entered (UTC)", "window", "side", "contracts @ price", "fee", "P&L"],
    recent.map((t) => [utcMinute(t.t).slice(5, 16), t.ticker.replace(/^KXBTC15M-/, ""), t.side.toUpperCase(), `${t.contracts} @ ${formatPriceCents(t.price)}`, usd(t.fee), { text: signedUsd(t.pnl ?? 0), cls: t.status === "won" ? "pos" : "neg" }]),
    "compact",
  );
  return {
    chart: svgChart({
      id: "trade-pnl",
      title: "P&L of each settled trade, after fees",
      desc: `${shown.length} bars${shown.length < settled.length ? ` (the last ${shown.length} of ${settled.length} settled trades)` : ""}: net ${signedUsd(netAll)} after ${usd(feeAll)} of fees.`,
      width: W,
      height: 290,
      body,
    }),
    table: totals + list,
    caption: shown.length < settled.length ? `The last ${shown.length} of ${count(settled.length)} settled trades.` : undefined,
  };
}
