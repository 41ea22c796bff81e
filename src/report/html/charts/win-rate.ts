import { CONTRACT_PAYOUT } from "../../../domain/money.ts";
import type { TradeRow } from "../report-data.ts";
import { count, pct } from "../format.ts";
import { frame, px, svgChart, xAxis } from "../svg.ts";
import { table } from "../table.ts";
import { wilson } from "../wilson.ts";
import type { Figure } from "./figure.ts";

const W = 720;

/**
 * The share of settled trades that won, with its 95% Wilson interval, beside the win rate that
 * would break even at the average price paid (fee included): a trade that costs 60¢ must win
 * more than 60% of the time.
 */
export function winRateFigure(trades: readonly TradeRow[]): Figure {
  const settled = trades.filter((t) => t.status === "won" || t.status === "lost");
  const wins = settled.filter((t) => t.status === "won").length;
  const w = wilson(wins, settled.length);
  if (w === null) return { empty: "No settled trades, so no win rate." };
  const contracts = settled.reduce((a, t) => a + t.contracts, 0);
  const paid = settled.reduce((a, t) => a + t.cost + t.fee, 0);
  const breakEven = contracts === 0 ? null : paid / (contracts * CONTRACT_PAYOUT);
  const f = frame({ left: 72, right: W - 24, top: 40, bottom: 80 }, [0, 1], [0, 1]);
  const y = (f.top + f.bottom) / 2;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((v) => ({ v, label: pct(v, 0) }));
  const marks =
    `<rect class="track" x="${px(f.left)}" y="${px(f.top)}" width="${px(f.right - f.left)}" height="${px(f.bottom - f.top)}"/>` +
    `<line class="reference dashed" x1="${px(f.x(0.5))}" x2="${px(f.x(0.5))}" y1="${px(f.top - 6)}" y2="${px(f.bottom)}"/>` +
    (breakEven === null
      ? ""
      : `<line class="breakeven" x1="${px(f.x(breakEven))}" x2="${px(f.x(breakEven))}" y1="${px(f.top - 6)}" y2="${px(f.bottom + 2)}"/><text class="note" x="${px(f.x(breakEven))}" y="${px(f.top - 10)}" text-anchor="middle">break-even ${pct(breakEven)}</text>`) +
    `<line class="interval mark" x1="${px(f.x(w.lo))}" x2="${px(f.x(w.hi))}" y1="${px(y)}" y2="${px(y)}"/>` +
    `<line class="interval" x1="${px(f.x(w.lo))}" x2="${px(f.x(w.lo))}" y1="${px(y - 8)}" y2="${px(y + 8)}"/>` +
    `<line class="interval" x1="${px(f.x(w.hi))}" x2="${px(f.x(w.hi))}" y1="${px(y - 8)}" y2="${px(y + 8)}"/>` +
    `<circle class="rate mark" cx="${px(f.x(w.rate))}" cy="${px(y)}" r="6"/>` +
    `<text class="note strong" x="${px(f.left)}" y="${px(f.top - 22)}">${pct(w.rate)} won (${count(wins)} of ${count(settled.length)}), 95% interval ${pct(w.lo)}–${pct(w.hi)}</text>`;
  const body = marks + xAxis(f, ticks, "share of settled trades won");
  return {
    chart: svgChart({
      id: "win-rate",
      title: "Win rate with a 95% interval",
      desc: `${wins} of ${settled.length} settled trades won: ${pct(w.rate)}, 95% Wilson interval ${pct(w.lo)} to ${pct(w.hi)}${breakEven === null ? "" : `; break-even at the average price paid ${pct(breakEven)}`}.`,
      width: W,
      height: 130,
      body,
    }),
    table: table("Win rate", [], [
      ["settled trades (n)", { text: count(settled.length), field: "win-n" }],
      ["won", { text: count(wins), field: "win-hits" }],
      ["win rate", { text: pct(w.rate), field: "win-rate" }],
      ["95% interval (Wilson)", { text: `${pct(w.lo)} – ${pct(w.hi)}`, field: "win-interval" }],
      ["break-even win rate", breakEven === null ? "—" : `${pct(breakEven)} (average price paid per contract, fee included)`],
    ]),
  };
}
