import { type Money, moneyToDollars } from "../../../domain/money.ts";
import type { EquityPoint } from "../report-data.ts";
import { axisUsd, signedUsd, usd } from "../format.ts";
import { frame, niceDomain, niceTicks, px, svgChart, timeTicks, utcMinute, xAxis, yAxis } from "../svg.ts";
import { table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
const BOX = { left: 72, right: W - 16 };

/** A step line through the points: equity holds until the next settlement changes it. */
function stepPath(points: readonly EquityPoint[], x: (t: number) => number, y: (m: Money) => number, value: (p: EquityPoint) => Money): string {
  return points.map((p, i) => (i === 0 ? `M${px(x(p.t))} ${px(y(value(p)))}` : `H${px(x(p.t))}V${px(y(value(p)))}`)).join("");
}

/** Points drawn at most; a year of trading has far more settlements than a chart has pixels. */
const MAX_DRAWN = 1600;

/**
 * Fewer points with the same look: per slice of time, the first and last point and those with
 * the lowest and highest equity and the deepest drawdown, so no peak or trough disappears.
 */
export function thinEquity(points: readonly EquityPoint[], max = MAX_DRAWN): EquityPoint[] {
  if (points.length <= max) return [...points];
  const buckets = Math.floor(max / 5);
  const t0 = points[0]!.t;
  const span = Math.max(1, points[points.length - 1]!.t - t0);
  const keep = new Set<number>([0, points.length - 1]);
  let bucket = -1;
  let first = 0;
  const close = (from: number, to: number) => {
    let lo = from;
    let hi = from;
    let dd = from;
    for (let i = from; i <= to; i++) {
      if (points[i]!.equity < points[lo]!.equity) lo = i;
      if (points[i]!.equity > points[hi]!.equity) hi = i;
      if (points[i]!.drawdown > points[dd]!.drawdown) dd = i;
    }
    for (const i of [from, lo, hi, dd, to]) keep.add(i);
  };
  points.forEach((p, i) => {
    const b = Math.min(buckets - 1, Math.floor(((p.t - t0) / span) * buckets));
    if (b !== bucket) {
      if (bucket >= 0) close(first, i - 1);
      bucket = b;
      first = i;
    }
  });
  close(first, points.length - 1);
  return [...keep].sort((a, b) => a - b).map((i) => points[i]!);
}

/**
 * Equity (cash plus open positions at cost) after every settlement, and below it the drawdown:
 * how far equity stood under its peak so far.
 */
export function equityFigure(all: readonly EquityPoint[]): Figure {
  if (all.length < 2) return { empty: "No settled or voided trades: equity has not moved, so there is no curve to draw." };
  const points = thinEquity(all);
  const t0 = points[0]!.t;
  const t1 = Math.max(points[points.length - 1]!.t, t0 + 60);
  const eq = points.map((p) => moneyToDollars(p.equity));
  const [elo, ehi] = niceDomain(eq.reduce((a, b) => Math.min(a, b)), eq.reduce((a, b) => Math.max(a, b)), 4);
  const top = frame({ ...BOX, top: 16, bottom: 196 }, [t0, t1], [elo, ehi]);
  const maxDd = points.reduce((m, p) => Math.max(m, p.drawdown), 0);
  const [, dhi] = niceDomain(0, Math.max(moneyToDollars(maxDd), 0.01), 2);
  const low = frame({ ...BOX, top: 216, bottom: 296 }, [t0, t1], [dhi, 0]);
  const yTop = (m: Money) => top.y(moneyToDollars(m));
  const yLow = (m: Money) => low.y(moneyToDollars(m));
  const ticks = timeTicks(t0, t1).map((k) => ({ v: k.t, label: k.label }));
  const equityLine = `<path class="equity line mark" data-points="${all.length}" d="${stepPath(points, top.x, yTop, (p) => p.equity)}"/>`;
  const ddArea = `<path class="drawdown area mark" data-points="${all.length}" d="${stepPath(points, low.x, yLow, (p) => p.drawdown)}V${px(low.y(0))}H${px(low.x(t0))}Z"/>`;
  const dots = points.length <= 400 ? points.map((p) => `<circle class="equity dot" cx="${px(top.x(p.t))}" cy="${px(yTop(p.equity))}" r="2.2"/>`).join("") : "";
  const start = points[0]!.equity;
  const startLine = `<line class="reference" x1="${px(top.left)}" x2="${px(top.right)}" y1="${px(yTop(start))}" y2="${px(yTop(start))}"/>`;
  const body =
    yAxis(top, niceTicks(elo, ehi, 4), axisUsd, "equity ($)") +
    yAxis(low, niceTicks(0, dhi, 2), (v) => (v === 0 ? "$0" : `−${axisUsd(v)}`), "drawdown") +
    xAxis(low, ticks, "time (UTC)") +
    startLine +
    equityLine +
    dots +
    ddArea;
  const last = all[all.length - 1]!;
  const peak = all.reduce((m, p) => (p.equity > m.equity ? p : m));
  const worst = all.reduce((m, p) => (p.drawdown > m.drawdown ? p : m));
  const desc = `Equity from ${usd(start)} to ${usd(last.equity)} over ${all.length - 1} settlements; peak ${usd(peak.equity)}; largest drawdown ${usd(worst.drawdown)}.`;
  return {
    chart: svgChart({ id: "equity", title: "Equity and drawdown over time", desc, width: W, height: 340, body }),
    table: table("Equity", [], [
      ["start", { text: usd(start), field: "equity-start" }],
      ["end", { text: usd(last.equity), field: "equity-end" }],
      ["change", signedUsd(last.equity - start)],
      ["peak", `${usd(peak.equity)} (${utcMinute(peak.t)})`],
      ["largest drawdown", { text: `${usd(worst.drawdown)}${worst.drawdown > 0 ? ` (${utcMinute(worst.t)})` : ""}`, field: "equity-max-drawdown" }],
      ["settlements and voids", String(all.length - 1)],
    ]),
  };
}
