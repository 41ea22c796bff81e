import type { WindowView } from "../report-data.ts";
import { btcUsd } from "../format.ts";
import { esc, frame, px, svgChart } from "../svg.ts";
import { table } from "../table.ts";
import type { Figure } from "./figure.ts";

const COLS = 4;
const PW = 240;
const PH = 190;
/** Points per panel's price line: one every couple of pixels is all a screen can show. */
const MAX_POINTS = 240;

const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
const RESULT_TEXT: Record<WindowView["result"], string> = { yes: "UP (YES)", no: "DOWN (NO)", open: "open", unknown: "result unknown" };
const resultText = (r: WindowView["result"]) => RESULT_TEXT[r];

function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = Math.ceil(xs.length / max);
  const out = xs.filter((_, i) => i % step === 0);
  if (out[out.length - 1] !== xs[xs.length - 1]) out.push(xs[xs.length - 1]!);
  return out;
}

function panel(w: WindowView, col: number, row: number): string {
  const ox = col * PW;
  const oy = row * PH;
  const ys = [...w.prices.map((p) => p.price), ...w.trades.map((t) => t.btcPrice)];
  if (w.strike !== null) ys.push(w.strike);
  if (w.settlement !== null) ys.push(w.settlement);
  if (ys.length === 0) {
    return `<g class="window" data-ticker="${esc(w.ticker)}"><text class="panel-title" x="${px(ox + 8)}" y="${px(oy + 14)}">${esc(hhmm(w.open))}–${esc(hhmm(w.close))} UTC</text><text class="note" x="${px(ox + 8)}" y="${px(oy + 40)}">no prices known</text></g>`;
  }
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = Math.max((hi - lo) * 0.12, 5);
  const f = frame({ left: ox + 58, right: ox + PW - 10, top: oy + 30, bottom: oy + PH - 26 }, [w.open, w.close], [lo - pad, hi + pad]);
  const parts: string[] = [];
  parts.push(`<rect class="panel" x="${px(f.left)}" y="${px(f.top)}" width="${px(f.right - f.left)}" height="${px(f.bottom - f.top)}"/>`);
  parts.push(`<text class="panel-title" x="${px(ox + 8)}" y="${px(oy + 14)}">${esc(hhmm(w.open))}–${esc(hhmm(w.close))} UTC</text>`);
  parts.push(`<text class="result r-${w.result}" x="${px(ox + PW - 10)}" y="${px(oy + 14)}" text-anchor="end">${resultText(w.result)}</text>`);
  for (const v of [lo - pad, hi + pad]) {
    parts.push(`<text class="tick" x="${px(f.left - 4)}" y="${px(f.y(v))}" text-anchor="end" dominant-baseline="middle">$${Math.round(v).toLocaleString("en-US")}</text>`);
  }
  parts.push(`<text class="tick" x="${px(f.left)}" y="${px(f.bottom + 13)}">${hhmm(w.open)}</text><text class="tick" x="${px(f.right)}" y="${px(f.bottom + 13)}" text-anchor="end">${hhmm(w.close)}</text>`);
  if (w.strike !== null) {
    const y = px(f.y(w.strike));
    parts.push(`<line class="strike mark" x1="${px(f.left)}" x2="${px(f.right)}" y1="${y}" y2="${y}"><title>strike ${btcUsd(w.strike)}</title></line>`);
  }
  if (w.prices.length > 0) {
    const pts = thin(w.prices, MAX_POINTS);
    const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${px(f.x(p.t))} ${px(f.y(p.price))}`).join("");
    parts.push(`<path class="price line mark" data-points="${w.prices.length}" d="${d}"/>`);
  }
  if (w.settlement !== null) {
    parts.push(`<circle class="settlement mark" cx="${px(f.x(w.close))}" cy="${px(f.y(w.settlement))}" r="4"><title>settlement ${btcUsd(w.settlement)}</title></circle>`);
  }
  for (const t of w.trades) {
    const x = f.x(t.t);
    const y = f.y(t.btcPrice);
    const d = t.side === "yes" ? `M${px(x)} ${px(y - 7)}L${px(x - 6)} ${px(y + 5)}L${px(x + 6)} ${px(y + 5)}Z` : `M${px(x)} ${px(y + 7)}L${px(x - 6)} ${px(y - 5)}L${px(x + 6)} ${px(y - 5)}Z`;
    parts.push(`<path class="entry e-${t.side} mark" d="${d}"><title>bought ${t.side.toUpperCase()} ×${t.contracts} at ${hhmm(t.t)} (BTC ${btcUsd(t.btcPrice)})</title></path>`);
  }
  return `<g class="window" data-ticker="${esc(w.ticker)}">${parts.join("")}</g>`;
}

/** The last windows: BTC price against the strike, the settlement value at the close, and each entry (▲ YES, ▼ NO). */
export function windowsFigure(windows: readonly WindowView[], prices: "seconds" | "none"): Figure {
  if (windows.length === 0) return { empty: "No windows in this journal (no predictions, trades or window records)." };
  const rows = Math.ceil(windows.length / COLS);
  const body =
    windows.map((w, i) => panel(w, i % COLS, Math.floor(i / COLS))).join("") +
    `<g class="legend-row"><line class="price line" x1="8" x2="26" y1="${rows * PH + 12}" y2="${rows * PH + 12}"/><text class="legend" x="32" y="${rows * PH + 12}" dominant-baseline="middle">BTC price</text>` +
    `<line class="strike" x1="110" x2="128" y1="${rows * PH + 12}" y2="${rows * PH + 12}"/><text class="legend" x="134" y="${rows * PH + 12}" dominant-baseline="middle">strike</text>` +
    `<circle class="settlement" cx="194" cy="${rows * PH + 12}" r="4"/><text class="legend" x="202" y="${rows * PH + 12}" dominant-baseline="middle">settlement value</text>` +
    `<path class="entry e-yes" d="M326 ${rows * PH + 5}L320 ${rows * PH + 17}L332 ${rows * PH + 17}Z"/><text class="legend" x="338" y="${rows * PH + 12}" dominant-baseline="middle">bought YES</text>` +
    `<path class="entry e-no" d="M426 ${rows * PH + 19}L420 ${rows * PH + 7}L432 ${rows * PH + 7}Z"/><text class="legend" x="438" y="${rows * PH + 12}" dominant-baseline="middle">bought NO</text></g>`;
  const trades = windows.reduce((a, w) => a + w.trades.length, 0);
  return {
    chart: svgChart({
      id: "windows",
      title: `The last ${windows.length} windows: BTC price against the strike`,
      desc: `${windows.length} windows with ${trades} entries${prices === "none" ? "; no per-second prices in this journal" : ""}.`,
      width: COLS * PW,
      height: rows * PH + 26,
      body,
    }),
    table: table(
      "Windows, newest first",
      ["window (close, ET)", "strike", "settlement", "result", "entries"],
      [...windows].reverse().map((w) => [
        w.ticker.replace(/^KXBTC15M-/, ""),
        btcUsd(w.strike),
        btcUsd(w.settlement),
        { text: resultText(w.result), field: "window-result" },
        w.trades.length === 0 ? "—" : w.trades.map((t) => `${t.side.toUpperCase()} ×${t.contracts} ${hhmm(t.t)}`).join(", "),
      ]),
      "compact",
    ),
    caption:
      prices === "none"
        ? "This journal has no per-second prices (a backtest journals predictions only with --predictions N): each window shows its strike, its settlement value and the BTC price at each entry."
        : undefined,
  };
}
