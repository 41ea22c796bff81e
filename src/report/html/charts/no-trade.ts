import type { NoTradeCounts } from "../report-data.ts";
import { count, share } from "../format.ts";
import { esc, linear, px, svgChart } from "../svg.ts";
import { table } from "../table.ts";
import type { Figure } from "./figure.ts";

const W = 720;
const ROW = 26;

/** Why the strategy did not trade, one bar per reason, largest first. */
export function noTradeFigure(c: NoTradeCounts): Figure {
  if (c.counts.length === 0) return { empty: `No ${c.unit} without a trade were recorded.` };
  const total = c.counts.reduce((a, r) => a + r.n, 0);
  const max = Math.max(...c.counts.map((r) => r.n));
  const left = 170;
  const x = linear(0, max, left, W - 150);
  const bars = c.counts
    .map((r, i) => {
      const y = 12 + i * ROW;
      return (
        `<text class="tick" x="${left - 8}" y="${px(y + ROW / 2 - 2)}" text-anchor="end" dominant-baseline="middle">${esc(r.reason)}</text>` +
        `<rect class="reason bar mark" x="${left}" y="${px(y + 3)}" width="${px(Math.max(1, x(r.n) - left))}" height="${ROW - 10}"><title>${esc(r.reason)}: ${count(r.n)}</title></rect>` +
        `<text class="count" x="${px(Math.max(x(r.n), left + 1) + 6)}" y="${px(y + ROW / 2 - 2)}" dominant-baseline="middle">${count(r.n)} (${share(r.n, total)})</text>`
      );
    })
    .join("");
  return {
    chart: svgChart({
      id: "no-trade",
      title: `Why no trade was made (${c.unit})`,
      desc: c.counts.map((r) => `${r.reason} ${count(r.n)}`).join(", "),
      width: W,
      height: 24 + c.counts.length * ROW,
      body: bars,
    }),
    table: table(
      `${count(total)} ${c.unit} without a trade (${c.source})`,
      ["reason", c.unit, "share"],
      c.counts.map((r) => [r.reason, { text: count(r.n), field: `no-trade-${r.reason}` }, share(r.n, total)]),
      "compact",
    ),
  };
}
