import type { LagView } from "../report-data.ts";
import { count, dec } from "../format.ts";
import { esc, frame, niceDomain, niceTicks, px, svgChart, xAxis, yAxis } from "../svg.ts";
import { type Cell, table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
const signed = (s: number) => `${s > 0 ? "+" : s < 0 ? "−" : ""}${Math.abs(s)} s`;

/**
 * How well Kalshi's mid matches our fair value L seconds earlier, for each L: the fit measure
 * (lower is closer) against the delay, the best delay marked and its 95 % interval shaded.
 */
export function lagFigure(v: LagView): Figure {
  if (v.lag_seconds === null || v.curve.length === 0) return { empty: "No second had both a fair value and a two-sided Kalshi quote: nothing to measure." };
  const lags = v.curve.map((c) => c.lag);
  const scores = v.curve.map((c) => c.score);
  const [ylo, yhi] = niceDomain(Math.min(...scores) * 0.95, Math.max(...scores) * 1.02, 5);
  const f = frame({ left: 72, right: W - 16, top: 30, bottom: 250 }, [Math.min(...lags), Math.max(...lags)], [ylo, yhi]);
  const band = v.ci95 === null ? "" : `<rect class="lag-interval" x="${px(f.x(v.ci95[0]) - 1)}" y="${px(f.top)}" width="${px(Math.max(2, f.x(v.ci95[1]) - f.x(v.ci95[0]) + 2))}" height="${px(f.bottom - f.top)}"><title>95% interval ${signed(v.ci95[0])} to ${signed(v.ci95[1])}</title></rect>`;
  const d = v.curve.map((c, i) => `${i === 0 ? "M" : "L"}${px(f.x(c.lag))} ${px(f.y(c.score))}`).join("");
  const bestScore = v.curve.find((c) => c.lag === v.lag_seconds)?.score ?? NaN;
  const bx = px(f.x(v.lag_seconds));
  const nearRight = f.x(v.lag_seconds) > f.right - 60;
  const best = `<line class="breakeven" x1="${bx}" x2="${bx}" y1="${px(f.top)}" y2="${px(f.bottom)}"/><circle class="s-model dot" cx="${bx}" cy="${px(f.y(bestScore))}" r="4"><title>best: ${signed(v.lag_seconds)}, ${dec(bestScore)}</title></circle><text class="strong" x="${px(f.x(v.lag_seconds) + (nearRight ? -6 : 6))}" y="${px(f.top + 12)}"${nearRight ? ' text-anchor="end"' : ""}>${esc(signed(v.lag_seconds))}</text>`;
  const zero = lags.includes(0) ? `<line class="zero dashed" x1="${px(f.x(0))}" x2="${px(f.x(0))}" y1="${px(f.top)}" y2="${px(f.bottom)}"/>` : "";
  const ticks = niceTicks(Math.min(...lags), Math.max(...lags), 8).map((t) => ({ v: t, label: t > 0 ? `+${t}` : String(t) }));
  const body =
    yAxis(f, niceTicks(ylo, yhi, 5), (y) => y.toFixed(3), "fit (lower is closer)") +
    xAxis(f, ticks, "delay L, seconds (positive: Kalshi's mid trails the fair value of spot)") +
    band +
    zero +
    `<path class="s-model line" d="${d}" data-points="${v.curve.length}"/>` +
    best;
  const at = (lag: number) => v.curve.find((c) => c.lag === lag)?.score ?? null;
  const rows: Cell[][] = [
    ["delay that fits best", { text: signed(v.lag_seconds), field: "lag-seconds" }],
    ["95% interval", { text: v.ci95 === null ? "—" : `${signed(v.ci95[0])} to ${signed(v.ci95[1])}`, field: "lag-ci95" }],
    ["seconds compared", { text: count(v.n_seconds), field: "lag-seconds-compared" }],
    ["windows", { text: count(v.n_windows), field: "lag-windows" }],
    ["fit at the best delay", dec(bestScore)],
    ["fit at 0 s", dec(at(0))],
  ];
  const cannot = (v.cannot_say ?? []).map((s) => `<li>${esc(s)}</li>`).join("");
  return {
    caption: v.measure ? `Fit: ${v.measure}. The shaded band is the 95% interval (block bootstrap over windows).` : undefined,
    chart: svgChart({
      id: "lag",
      title: "How far Kalshi's mid trails our fair value",
      desc: `Best delay ${signed(v.lag_seconds)}${v.ci95 ? ` (95% interval ${signed(v.ci95[0])} to ${signed(v.ci95[1])})` : ""}, over ${count(v.n_seconds)} seconds in ${count(v.n_windows)} windows.`,
      width: W,
      height: 290,
      body,
    }),
    table: table("The lag", [], rows, "summary") + (cannot ? `<p class="note-text"><strong>What it cannot say</strong></p><ul class="note-text cannot-say">${cannot}</ul>` : ""),
  };
}
