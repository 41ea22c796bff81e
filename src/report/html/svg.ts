/**
 * The few drawing pieces the report's charts share: escaping, scales, ticks, axes and the
 * accessible <svg> wrapper. Charts are plain inline SVG so the page needs nothing from outside.
 */

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A coordinate to one decimal place: enough for a screen, and it keeps the file small. */
export function px(x: number): string {
  return String(Math.round(x * 10) / 10);
}

export type Scale = (v: number) => number;

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A round step (1, 2 or 5 × 10^k) that cuts [lo, hi] into at most about `count` parts. */
function niceStep(lo: number, hi: number, count: number): number {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(lo, hi, count);
  const out: number[] = [];
  // Whole multiples of the step, cleaned of float noise (0.15000000000000002) and of −0.
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)) + 0);
  return out;
}

/** The domain widened to round tick values, so the axis starts and ends on a label. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!(hi > lo)) return lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.01, hi + Math.abs(hi) * 0.01];
  const step = niceStep(lo, hi, count);
  const round = (x: number) => Number(x.toPrecision(12)) + 0;
  return [round(Math.floor(lo / step + 1e-9) * step), round(Math.ceil(hi / step - 1e-9) * step)];
}

const TIME_STEPS = [60, 300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400];

/** Tick times (unix seconds, UTC) for a time axis, with labels fit to the span. */
export function timeTicks(t0: number, t1: number, max = 6): { t: number; label: string }[] {
  const span = Math.max(1, t1 - t0);
  const step = TIME_STEPS.find((s) => span / s <= max) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const out: { t: number; label: string }[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const iso = new Date(t * 1000).toISOString();
    const label = step >= 86400 ? iso.slice(5, 10) : span > 86400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
    out.push({ t, label });
  }
  return out;
}

/** "2024-12-01 14:05 UTC" for captions and tables. */
export function utcMinute(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** The plot area of a chart: its box inside the SVG and the scales that map data onto it. */
export interface Frame {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly x: Scale;
  readonly y: Scale;
}

export function frame(box: { left: number; top: number; right: number; bottom: number }, xd: [number, number], yd: [number, number]): Frame {
  return { ...box, x: linear(xd[0], xd[1], box.left, box.right), y: linear(yd[0], yd[1], box.bottom, box.top) };
}

/** Horizontal grid lines with their labels on the left, and the y axis title. */
export function yAxis(f: Frame, ticks: readonly number[], label: (v: number) => string, title: string): string {
  const lines = ticks.map((v) => {
    const y = px(f.y(v));
    return `<line class="grid" x1="${px(f.left)}" x2="${px(f.right)}" y1="${y}" y2="${y}"/><text class="tick" x="${px(f.left - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(label(v))}</text>`;
  });
  const cy = px((f.top + f.bottom) / 2);
  return `<g class="axis">${lines.join("")}<text class="axis-title" transform="translate(${px(f.left - 52)} ${cy}) rotate(-90)" text-anchor="middle">${esc(title)}</text></g>`;
}

/** Tick labels under the plot and the x axis title. */
export function xAxis(f: Frame, ticks: readonly { v: number; label: string }[], title: string): string {
  const marks = ticks.map(({ v, label }) => {
    const x = px(f.x(v));
    return `<line class="axis-line" x1="${x}" x2="${x}" y1="${px(f.bottom)}" y2="${px(f.bottom + 4)}"/><text class="tick" x="${x}" y="${px(f.bottom + 16)}" text-anchor="middle">${esc(label)}</text>`;
  });
  return `<g class="axis"><line class="axis-line" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.bottom)}" y2="${px(f.bottom)}"/>${marks.join("")}<text class="axis-title" x="${px((f.left + f.right) / 2)}" y="${px(f.bottom + 34)}" text-anchor="middle">${esc(title)}</text></g>`;
}

/** An accessible chart: its title and description are read out, `data-chart` names it for tests. */
export function svgChart(o: { id: string; title: string; desc: string; width: number; height: number; body: string }): string {
  return (
    `<svg class="chart" data-chart="${esc(o.id)}" role="img" viewBox="0 0 ${o.width} ${o.height}" aria-labelledby="${esc(o.id)}-title ${esc(o.id)}-desc">` +
    `<title id="${esc(o.id)}-title">${esc(o.title)}</title><desc id="${esc(o.id)}-desc">${esc(o.desc)}</desc>${o.body}</svg>`
  );
}

/** A small legend: a coloured swatch and a name per entry, in one row. */
export function legend(x: number, y: number, entries: readonly { cls: string; label: string; dashed?: boolean }[]): string {
  let at = x;
  const parts = entries.map((e) => {
    const g = `<line class="${e.cls}${e.dashed ? " dashed" : ""}" x1="${px(at)}" x2="${px(at + 18)}" y1="${px(y)}" y2="${px(y)}" stroke-width="3"/><text class="legend" x="${px(at + 24)}" y="${px(y)}" dominant-baseline="middle">${esc(e.label)}</text>`;
    at += 34 + e.label.length * 6.6;
    return g;
  });
  return `<g class="legend-row">${parts.join("")}</g>`;
}
