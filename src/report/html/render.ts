import { type LagView, type ReportData, isAbsent } from "./report-data.ts";
import { brierFigure } from "./charts/brier.ts";
import { comparisonFigure } from "./charts/comparison.ts";
import { lagFigure } from "./charts/lag.ts";
import { dailyPnlFigure } from "./charts/daily-pnl.ts";
import { equityFigure } from "./charts/equity.ts";
import type { Figure } from "./charts/figure.ts";
import { noTradeFigure } from "./charts/no-trade.ts";
import { reliabilityFigure } from "./charts/reliability.ts";
import { tradePnlFigure } from "./charts/trade-pnl.ts";
import { winRateFigure } from "./charts/win-rate.ts";
import { windowsFigure } from "./charts/windows.ts";
import { count, duration, pct, signedCents, signedUsd, usd } from "./format.ts";
import { REPORT_CSS } from "./style.ts";
import { esc, utcMinute } from "./svg.ts";
import { type Cell, table } from "./table.ts";
import { wilson } from "./wilson.ts";

function figure(id: string, heading: string, intro: string, f: Figure, layout = ""): string {
  const head = `<h2 id="${id}">${esc(heading)}</h2>${intro ? `<p class="note-text">${esc(intro)}</p>` : ""}`;
  if ("empty" in f) return `<section aria-labelledby="${id}">${head}<p class="empty" data-empty="${id}">${esc(f.empty)}</p></section>`;
  const caption = f.caption ? `<p class="figure-caption">${esc(f.caption)}</p>` : "";
  return `<section aria-labelledby="${id}">${head}<div class="figure ${layout}"><div>${f.chart}${caption}</div><div class="tables">${f.table}</div></div></section>`;
}

/** With several series: each one's account and forecast score beside the others, and the total. */
function seriesTable(d: ReportData): string {
  const list = d.series ?? [];
  if (list.length === 0) return "";
  const row = (name: string, s: ReportData["summary"], r: { brier: number | null; marketBrier: number | null; forecasts: number | null } | null, field: string): Cell[] => {
    const settled = s.wins + s.losses;
    return [
      { text: name, field: `${field}-name` },
      usd(s.startBalance),
      { text: usd(s.equity), field: `${field}-equity` },
      { text: signedUsd(s.pnl), field: `${field}-pnl`, cls: s.pnl > 0 ? "pos" : s.pnl < 0 ? "neg" : "" },
      { text: count(s.trades), field: `${field}-trades` },
      settled === 0 ? "—" : pct(s.wins / settled),
      usd(s.fees),
      s.openPositions === 0 ? "0" : `${count(s.openPositions)} (${usd(s.openCost)})`,
      r === null || r.brier === null ? "—" : `${r.brier.toFixed(4)}${r.forecasts === null ? "" : ` (n ${count(r.forecasts)})`}`,
      r === null || r.marketBrier === null ? "—" : r.marketBrier.toFixed(4),
    ];
  };
  const rows = [...list.map((x) => row(x.name, x.summary, x, `series-${x.name}`)), row("all series", d.summary, null, "series-total")];
  const t = table("Each series and all of them together (fees included)", ["series", "start", "equity", "P&L", "trades", "win rate", "fees", "open", "Brier (model)", "Brier (market)"], rows, "summary");
  return `<section aria-labelledby="series"><h2 id="series">Series</h2><p class="note-text">Each series trades with its own engine and journal (its folder of the data directory; its own report: btc15 report --html --data-dir DIR/SERIES). The sections below add them all up; forecasts are scored per series, in this table.</p>${t}</section>`;
}

function summary(d: ReportData): string {
  const s = d.summary;
  const settled = s.wins + s.losses;
  const w = wilson(s.wins, settled);
  const roi = s.startBalance === 0 ? null : s.pnl / s.startBalance;
  const money = table("Account (fees included)", [], [
    ["start balance", { text: usd(s.startBalance), field: "start-balance" }],
    ["equity (cash + open at cost)", { text: usd(s.equity), field: "equity" }],
    ["cash balance", { text: usd(s.balance), field: "balance" }],
    ["P&L", { text: signedUsd(s.pnl), field: "pnl", cls: s.pnl > 0 ? "pos" : s.pnl < 0 ? "neg" : "" }],
    ["return on start balance", { text: pct(roi), field: "roi" }],
    ["fees paid", { text: usd(s.fees), field: "fees" }],
    ["max drawdown", { text: usd(s.maxDrawdown), field: "max-drawdown" }],
  ], "summary");
  const trades = table("Trades", [], [
    ["trades", { text: count(s.trades), field: "trades" }],
    ["won", { text: count(s.wins), field: "wins" }],
    ["lost", { text: count(s.losses), field: "losses" }],
    ["win rate", { text: w === null ? "—" : `${pct(w.rate)} (95% ${pct(w.lo)}–${pct(w.hi)}, n ${count(settled)})`, field: "win-rate" }],
    ["open positions", { text: s.openPositions === 0 ? "0" : `${count(s.openPositions)} (${usd(s.openCost)} at cost)`, field: "open" }],
    ["voided (refunded)", { text: count(s.voided), field: "voided" }],
    ["from", s.firstRecord === null ? "—" : utcMinute(s.firstRecord)],
    ["to", s.lastRecord === null ? "—" : utcMinute(s.lastRecord)],
  ], "summary");
  return `<section aria-labelledby="summary"><h2 id="summary">Summary</h2><div class="summary-grid">${money}${trades}${riskTable(d)}</div></section>`;
}

/** The tear sheet's figures: the drawdown in % and how long it lasted, profit factor, expectancy. */
function riskTable(d: ReportData): string {
  const t = d.tearSheet;
  const pctOfPeak = t.maxDrawdownPct === null ? "—" : t.maxDrawdownPeak === null ? pct(t.maxDrawdownPct, 2) : `${pct(t.maxDrawdownPct, 2)} of a ${usd(t.maxDrawdownPeak)} peak`;
  const spell = t.longestDrawdownSeconds === null ? "none" : `${duration(t.longestDrawdownSeconds)} (${t.longestDrawdownRecovered ? "recovered" : "not yet recovered"})`;
  const factor = t.settledTrades === 0 ? "—" : t.profitFactor === null ? (t.grossProfit > 0 ? "∞ (no losing trade)" : "—") : t.profitFactor.toFixed(2);
  return table("Risk and return (settled trades, after fees)", [], [
    ["max drawdown", { text: pctOfPeak, field: "max-drawdown-pct" }],
    ["longest under a peak", { text: spell, field: "drawdown-duration" }],
    ["profit factor", { text: factor, field: "profit-factor" }],
    ["expectancy per trade", { text: t.expectancy === null ? "—" : signedCents(t.expectancy), field: "expectancy" }],
    ["average win / loss", { text: `${t.averageWin === null ? "—" : signedCents(t.averageWin)} / ${t.averageLoss === null ? "—" : signedCents(t.averageLoss)}`, field: "average-win-loss" }],
    ["gross won / lost", `${usd(t.grossProfit)} / ${usd(t.grossLoss)}`],
  ], "summary");
}

/** The lab's own page: the lag chart alone, as self-contained as the report. */
export function renderLagReport(v: LagView, title: string, generatedAt: string, sources: readonly string[]): string {
  return page(
    `btc15 research lag: ${title}`,
    `How far Kalshi's mid trails our fair value from spot. Generated ${generatedAt}.`,
    sources,
    "",
    figure("lag", "How far Kalshi trails spot", "The delay L at which Kalshi's mid best matches our fair value computed from spot L seconds earlier.", lagFigure(v)),
  );
}

/**
 * The whole report as one self-contained HTML page: inline CSS and inline SVG, no scripts and
 * nothing fetched, so it opens offline and can be mailed or archived as a single file.
 */
export function renderReport(d: ReportData): string {
  const warnings = d.warnings.length
    ? `<div class="warnings" role="note"><strong>${d.warnings.length} warning${d.warnings.length === 1 ? "" : "s"} while reading the journal</strong><ul>${d.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul></div>`
    : "";
  const scores = d.scores;
  const forecastNotes = isAbsent(scores) ? "" : scores.notes.map((n) => `<p class="note-text">${esc(n)}</p>`).join("");
  const model = isAbsent(scores) ? "model" : (scores.forecasters.find((f) => f.key === "model")?.label ?? "model");
  const sections = [
    summary(d),
    seriesTable(d),
    figure("equity", "Equity and drawdown", "Equity counts open positions at what they cost; it changes when a trade settles.", equityFigure(d.equity)),
    figure("daily-pnl", "P&L by day", "Settled trades' P&L after fees, by the UTC day they settled.", dailyPnlFigure(d.tearSheet.days)),
    figure("trades", "P&L per trade", "Each settled trade's profit or loss after its fee; the grey bar beside it is the fee paid.", tradePnlFigure(d.trades)),
    figure("win-rate", "Win rate", "The interval is where the true win rate plausibly lies given this many trades (95%, Wilson).", winRateFigure(d.trades)),
    figure(
      "brier",
      "Forecast quality: Brier score by minutes to the close",
      "Every window's forecasts scored at each whole minute 1–14 before its close, traded or not. Lower is better; a coin flip scores 0.25.",
      isAbsent(scores) ? { empty: scores.absent } : brierFigure(scores),
    ) + forecastNotes,
    figure(
      "reliability",
      "Reliability diagram",
      "Forecasts grouped by P(up); how often those windows actually settled up. Points on the diagonal are calibrated; labels are counts.",
      isAbsent(scores) ? { empty: scores.absent } : reliabilityFigure(scores.calibration, model),
      "square",
    ),
    figure("no-trade", "No-trade reasons", "", isAbsent(d.noTrade) ? { empty: d.noTrade.absent } : noTradeFigure(d.noTrade)),
    figure("windows", "The last windows", "", windowsFigure(d.windows, d.windowPrices), "wide"),
    ...(d.comparison ? [figure("comparison", "Strategies side by side", "Each strategy ran as its own paper account over the very same events, with the same risk limits, fees and fills.", comparisonFigure(d.comparison))] : []),
    ...(d.lag ? [figure("lag", "How far Kalshi trails spot", "The delay L at which Kalshi's mid best matches our fair value computed from spot L seconds earlier (btc15 research lag).", lagFigure(d.lag))] : []),
  ];
  const title = `btc15 report: ${d.title}`;
  const names = d.seriesNames ?? ["KXBTC15M"];
  const sub = `Trading Kalshi's 15-minute ${names.every((s) => s === "KXBTC15M") ? "Bitcoin" : "crypto"} up/down markets (${names.join(", ")}). Generated ${d.generatedAt}. All money after Kalshi's fees.`;
  return page(title, sub, d.sources, warnings, sections.join("\n"), "Made by btc15 from the journal alone; the journal (trades.jsonl) is the source of truth.");
}

function page(title: string, sub: string, sources: readonly string[], warnings: string, body: string, footer = "Made by btc15."): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="sub">${esc(sub)}</p>
<ul class="sources">${sources.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>
${warnings}
</header>
${body}
<footer>${esc(footer)}</footer>
</main>
</body>
</html>
`;
}
