import type { ForecastScores } from "../report-data.ts";
import { count, dec } from "../format.ts";
import { frame, legend, niceDomain, niceTicks, px, svgChart, xAxis, yAxis } from "../svg.ts";
import { type Cell, table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
const MINUTES = [14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

/**
 * Brier score at each whole minute before the close, one line per forecaster: the model and
 * every baseline present. Lower is better; 0.25 is a coin flip.
 */
export function brierFigure(s: ForecastScores): Figure {
  const series = s.forecasters.filter((fc) => MINUTES.some((m) => fc.brierByMinutes[String(m)] != null));
  if (series.length === 0) return { empty: "No forecasts were scored at the minutes before a close." };
  const values = series.flatMap((fc) => MINUTES.map((m) => fc.brierByMinutes[String(m)]).filter((v): v is number => v != null));
  // Headroom above the highest point so the coin flip's 0.25 line does not sit on the frame.
  const [, yhi] = niceDomain(0, Math.max(0.25, ...values) * 1.08, 5);
  const f = frame({ left: 72, right: W - 16, top: 40, bottom: 260 }, [14.5, 0.5], [0, yhi]);
  const lines = series
    .map((fc, k) => {
      const pts = MINUTES.map((m) => ({ m, v: fc.brierByMinutes[String(m)] })).filter((p): p is { m: number; v: number } => p.v != null);
      const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${px(f.x(p.m))} ${px(f.y(p.v))}`).join("");
      const dots = pts.map((p) => `<circle class="s-${fc.key} dot mark" cx="${px(f.x(p.m))}" cy="${px(f.y(p.v))}" r="3"><title>${fc.label}, ${p.m} min: ${dec(p.v)}</title></circle>`).join("");
      // Earlier series are drawn wider, so a baseline that equals the model leaves it visible around it.
      const width = [7, 4.5, 2.5][k] ?? 2;
      return `<path class="s-${fc.key} line${fc.key === "coin_flip" ? " dashed" : ""}" style="stroke-width:${width}px" data-points="${pts.length}" d="${d}"/>${dots}`;
    })
    .join("");
  const body =
    yAxis(f, niceTicks(0, yhi, 5), (v) => v.toFixed(2), "Brier score (lower is better)") +
    xAxis(f, MINUTES.map((m) => ({ v: m, label: String(m) })), "minutes before the close") +
    lines +
    legend(f.left, 16, series.map((fc) => ({ cls: `s-${fc.key}`, label: fc.label, dashed: fc.key === "coin_flip" })));
  const rows: Cell[][] = MINUTES.map((m) => [`${m} min`, ...series.map((fc) => dec(fc.brierByMinutes[String(m)] ?? null))]);
  rows.push(["all", ...series.map((fc) => ({ text: dec(fc.brier), field: `brier-${fc.key}` }))]);
  rows.push(["forecasts", ...series.map((fc) => (fc.n === null ? "—" : count(fc.n)))]);
  return {
    caption: overlaps(series),
    chart: svgChart({
      id: "brier",
      title: "Brier score by minutes to the close",
      desc: `${series.map((fc) => `${fc.label} ${dec(fc.brier)}`).join(", ")} overall, over ${count(s.windows)} windows.`,
      width: W,
      height: 300,
      body,
    }),
    table: table(`Brier by minutes to the close (${s.source})`, ["", ...series.map((fc) => fc.label)], rows, "compact"),
  };
}

/** Says which forecasters score alike at every minute, since their lines then lie on top of each other. */
function overlaps(series: ForecastScores["forecasters"]): string | undefined {
  const same: string[] = [];
  for (let i = 0; i < series.length; i++) {
    for (let j = i + 1; j < series.length; j++) {
      const a = series[i]!;
      const b = series[j]!;
      if (MINUTES.every((m) => dec(a.brierByMinutes[String(m)] ?? null) === dec(b.brierByMinutes[String(m)] ?? null))) same.push(`${a.label} and ${b.label}`);
    }
  }
  return same.length ? `${same.join("; ")} score the same at every minute (to 4 decimals): their lines overlap.` : undefined;
}
