import { moneyToDollars } from "../../../domain/money.ts";
import type { DayPnl } from "../../tear-sheet.ts";
import { axisUsd, count, signedUsd } from "../format.ts";
import { frame, niceDomain, niceTicks, px, svgChart, xAxis, yAxis } from "../svg.ts";
import { table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
/** More days than this would draw bars thinner than a pixel; the table still lists the last ones. */
const MAX_DAY_BARS = 180;
const TABLE_ROWS = 31;

/** The settled P&L of each UTC day as a bar (after fees), with the days in a table beside it. */
export function dailyPnlFigure(days: readonly DayPnl[]): Figure {
  if (days.length === 0) return { empty: "No settled trades, so no P&L by day." };
  const shown = days.slice(-MAX_DAY_BARS);
  const pnl = shown.map((d) => moneyToDollars(d.pnl));
  const [ylo, yhi] = niceDomain(Math.min(0, ...pnl), Math.max(0, ...pnl), 4);
  const f = frame({ left: 72, right: W - 16, top: 20, bottom: 220 }, [0, shown.length], [ylo, yhi]);
  const slot = (f.right - f.left) / shown.length;
  const barW = Math.min(slot * 0.7, 36);
  const y0 = f.y(0);
  const bars = shown
    .map((d, i) => {
      const y = f.y(pnl[i]!);
      return `<rect class="${d.pnl >= 0 ? "win" : "loss"} bar mark" x="${px(f.x(i) + (slot - barW) / 2)}" width="${px(Math.max(0.6, barW))}" y="${px(Math.min(y, y0))}" height="${px(Math.max(0.6, Math.abs(y - y0)))}"><title>${d.day}: ${signedUsd(d.pnl)} over ${count(d.trades)} settled</title></rect>`;
    })
    .join("");
  const step = Math.max(1, Math.ceil(shown.length / 7));
  const ticks = [];
  for (let i = 0; i < shown.length; i += step) ticks.push({ v: i + 0.5, label: shown[i]!.day.slice(5) });
  const body =
    yAxis(f, niceTicks(ylo, yhi, 4), axisUsd, "P&L of the day ($)") +
    xAxis(f, ticks, "UTC day (month-day)") +
    `<line class="zero" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(y0)}" y2="${px(y0)}"/>` +
    bars;
  const up = days.filter((d) => d.pnl > 0).length;
  const down = days.filter((d) => d.pnl < 0).length;
  let running = 0;
  const cumulative = days.map((d) => (running += d.pnl));
  const rows = days
    .map((d, i) => [d.day, count(d.trades), `${count(d.wins)} / ${count(d.losses)}`, { text: signedUsd(d.pnl), cls: d.pnl > 0 ? "pos" : d.pnl < 0 ? "neg" : "" }, signedUsd(cumulative[i]!)] as const)
    .slice(-TABLE_ROWS)
    .reverse();
  return {
    chart: svgChart({
      id: "daily-pnl",
      title: "P&L by day, after fees",
      desc: `${count(days.length)} days with a settlement: ${count(up)} up, ${count(down)} down.`,
      width: W,
      height: 260,
      body,
    }),
    table:
      table("Days", [], [
        ["days with a settlement", { text: count(days.length), field: "days" }],
        ["up / down", { text: `${count(up)} / ${count(down)}`, field: "days-up-down" }],
      ]) + table(`${rows.length < days.length ? `Last ${rows.length} days` : "Each day"}, newest first`, ["day (UTC)", "settled", "won / lost", "P&L", "to date"], rows, "compact daily"),
    caption: shown.length < days.length ? `The last ${shown.length} of ${count(days.length)} days.` : undefined,
  };
}
