import type { ComparisonView } from "../report-data.ts";
import { axisUsd, count, dec, pct } from "../format.ts";
import { esc, frame, niceDomain, niceTicks, px, svgChart, yAxis } from "../svg.ts";
import { type Cell, table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
const usd2 = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : ""}$${Math.abs(x).toFixed(2)}`;
const KNOWN = new Set(["model", "fair_value", "coin_flip", "market", "stale_taker"]);

/**
 * The strategies side by side: each one's P&L after fees with its 95 % interval (a dot and a
 * whisker per strategy, zero marked), and the table of trades, win rate, fees, drawdown, Brier.
 */
export function comparisonFigure(c: ComparisonView): Figure {
  if (c.strategies.length === 0) return { empty: "No strategy was run." };
  const values = c.strategies.flatMap((s) => [s.pnl, ...(s.pnl_ci95 ?? [])]);
  const [ylo, yhi] = niceDomain(Math.min(0, ...values), Math.max(0, ...values), 5);
  const f = frame({ left: 72, right: W - 16, top: 20, bottom: 230 }, [-0.5, c.strategies.length - 0.5], [ylo, yhi]);
  const marks = c.strategies
    .map((s, i) => {
      const x = px(f.x(i));
      const name = s.strategy.split(":")[0]!;
      const cls = `s-${KNOWN.has(name) ? name : "model"}`;
      const whisker = s.pnl_ci95 === null ? "" : `<line class="interval" x1="${x}" x2="${x}" y1="${px(f.y(s.pnl_ci95[0]))}" y2="${px(f.y(s.pnl_ci95[1]))}"/>`;
      return `${whisker}<circle class="${cls} dot" cx="${x}" cy="${px(f.y(s.pnl))}" r="5"><title>${esc(s.strategy)}: ${usd2(s.pnl)}</title></circle><text class="tick" x="${x}" y="${px(f.bottom + 16)}" text-anchor="middle">${esc(s.strategy)}</text>`;
    })
    .join("");
  const zero = `<line class="zero" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.y(0))}" y2="${px(f.y(0))}"/>`;
  const body = yAxis(f, niceTicks(ylo, yhi, 5), axisUsd, "P&L after fees, with 95% interval") + zero + marks;
  const rows: Cell[][] = c.strategies.map((s) => [
    { text: s.strategy, field: `strategy-${s.strategy}` },
    count(s.trades),
    pct(s.win_rate),
    { text: usd2(s.pnl), field: `pnl-${s.strategy}`, cls: s.pnl > 0 ? "pos" : s.pnl < 0 ? "neg" : "" },
    s.pnl_ci95 === null ? "—" : `${usd2(s.pnl_ci95[0])} to ${usd2(s.pnl_ci95[1])}`,
    `$${s.fees.toFixed(2)}`,
    `$${s.max_drawdown.toFixed(2)}`,
    { text: dec(s.brier), field: `brier-${s.strategy}` },
  ]);
  const notes = [`Brier on the same ${count(c.checkpoints)} checkpoints (${count(c.windows)} windows) for every strategy.`, c.fairness.note, ...c.notes];
  return {
    caption: c.strategies.map((s) => `${s.strategy}: ${s.description}`).join(". ") + ".",
    chart: svgChart({
      id: "comparison",
      title: "P&L of each strategy, with its 95% interval",
      desc: c.strategies.map((s) => `${s.strategy} ${usd2(s.pnl)} over ${s.trades} trades`).join(", "),
      width: W,
      height: 260,
      body,
    }),
    table:
      table(`Strategies side by side (each a $${c.start_balance.toFixed(2)} paper account)`, ["strategy", "trades", "win rate", "P&L", "95% interval", "fees", "max drawdown", "Brier"], rows, "compact") +
      notes.map((n) => `<p class="note-text">${esc(n)}</p>`).join(""),
  };
}
