import type { CalibrationBin } from "../../metrics.ts";
import { count, dec, pct } from "../format.ts";
import { frame, px, svgChart, xAxis, yAxis } from "../svg.ts";
import { table } from "../table.ts";
import { wilson } from "../wilson.ts";
import type { Figure } from "./figure.ts";

const SIZE = 400;

/**
 * Reliability diagram: each bin's mean forecast against how often those windows settled up, with
 * the count and a 95% interval for the frequency. A calibrated forecaster lies on the diagonal.
 */
export function reliabilityFigure(bins: readonly CalibrationBin[], forecaster: string): Figure {
  if (bins.length === 0) return { empty: "No scored forecasts, so no reliability diagram." };
  const f = frame({ left: 64, right: SIZE - 16, top: 16, bottom: SIZE - 56 }, [0, 1], [0, 1]);
  const maxN = Math.max(...bins.map((b) => b.n));
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const points = bins
    .map((b) => {
      const w = wilson(Math.round(b.freq * b.n), b.n)!;
      const x = px(f.x(b.mean_p));
      const r = 3 + 6 * Math.sqrt(b.n / maxN);
      const above = f.y(b.freq) > f.top + 24;
      return (
        `<line class="interval" x1="${x}" x2="${x}" y1="${px(f.y(w.lo))}" y2="${px(f.y(w.hi))}"/>` +
        `<circle class="calibration mark" cx="${x}" cy="${px(f.y(b.freq))}" r="${px(r)}"><title>${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: mean forecast ${dec(b.mean_p, 3)}, up ${pct(b.freq)} of ${count(b.n)}</title></circle>` +
        // Counts sit right of their point, or left of it near the right edge, so none is cut off.
        (f.x(b.mean_p) > f.right - 44
          ? `<text class="count" x="${px(f.x(b.mean_p) - r - 3)}" y="${px(f.y(b.freq) + (above ? -r - 2 : r + 10))}" text-anchor="end">${count(b.n)}</text>`
          : `<text class="count" x="${px(f.x(b.mean_p) + r + 3)}" y="${px(f.y(b.freq) + (above ? -r - 2 : r + 10))}">${count(b.n)}</text>`)
      );
    })
    .join("");
  const body =
    yAxis(f, ticks, (v) => v.toFixed(1), "how often up") +
    xAxis(f, ticks.map((v) => ({ v, label: v.toFixed(1) })), "forecast P(up), bin mean") +
    `<line class="reference dashed" x1="${px(f.x(0))}" y1="${px(f.y(0))}" x2="${px(f.x(1))}" y2="${px(f.y(1))}"/>` +
    points;
  const total = bins.reduce((a, b) => a + b.n, 0);
  return {
    chart: svgChart({
      id: "reliability",
      title: `Reliability diagram: ${forecaster}`,
      desc: `${bins.length} bins of ${count(total)} forecasts: mean forecast against how often the window settled up; labels are counts.`,
      width: SIZE,
      height: SIZE,
      body,
    }),
    table: table(
      `Calibration: ${forecaster} (${count(total)} forecasts)`,
      ["forecast bin", "n", "mean forecast", "how often up", "95% interval"],
      bins.map((b) => {
        const w = wilson(Math.round(b.freq * b.n), b.n)!;
        return [`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`, { text: count(b.n), field: "calibration-n" }, dec(b.mean_p, 3), pct(b.freq), `${pct(w.lo)}–${pct(w.hi)}`];
      }),
      "compact",
    ),
  };
}
