/**
 * The report's stylesheet, inlined into the page. Colours are the Okabe–Ito palette, which stays
 * distinguishable for the common kinds of colour blindness.
 */
export const REPORT_CSS = `
:root { --ink: #1d2329; --muted: #5b6570; --line: #d5dbe1; --bg: #ffffff; --panel: #f6f8fa;
  --blue: #0072b2; --orange: #e69f00; --green: #009e73; --vermillion: #d55e00; --grey: #8a939c; --purple: #cc79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 30px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
p { margin: 4px 0; }
.sub, .note-text { color: var(--muted); }
.sources { font-size: 12.5px; color: var(--muted); margin: 8px 0 0; padding-left: 18px; }
.warnings { background: #fff6e5; border: 1px solid #f0c36d; padding: 8px 12px; border-radius: 4px; margin-top: 10px; font-size: 13px; }
.warnings ul { margin: 4px 0 0; padding-left: 18px; }
.empty { background: var(--panel); border: 1px dashed var(--line); padding: 14px 16px; border-radius: 4px; color: var(--muted); }
.figure { display: grid; grid-template-columns: minmax(0, 3fr) minmax(min-content, 2fr); gap: 20px; align-items: start; }
.figure.square { grid-template-columns: minmax(0, 420px) minmax(min-content, 1fr); }
.figure.wide { grid-template-columns: minmax(0, 1fr); }
@media (max-width: 900px) { .figure, .figure.square { grid-template-columns: minmax(0, 1fr); } }
.chart { width: 100%; height: auto; display: block; }
.figure-caption { font-size: 12.5px; color: var(--muted); margin: 4px 0 0; }
.tables { max-height: 460px; overflow: auto; }
table { border-collapse: collapse; margin: 0 0 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; }
th, td { padding: 3px 10px 3px 0; text-align: left; border-bottom: 1px solid #eceff2; vertical-align: top; }
tbody th { font-weight: normal; color: var(--muted); }
table.compact { font-size: 12.5px; }
table.compact td { white-space: nowrap; }
table.summary { width: 100%; }
table.summary td { font-weight: 600; text-align: right; padding-right: 0; }
.pos { color: #00795a; } .neg { color: #b34700; }
.summary-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 8px 32px; }
svg text { font-size: 11px; fill: var(--ink); }
svg .tick { fill: var(--muted); }
svg .axis-title { font-size: 11.5px; fill: var(--muted); }
svg .legend { font-size: 11.5px; }
svg .grid { stroke: #edf0f3; stroke-width: 1; }
svg .axis-line { stroke: #aab3bc; stroke-width: 1; }
svg .zero { stroke: #6b747d; stroke-width: 1; }
svg .reference { stroke: #9aa3ac; stroke-width: 1; fill: none; }
svg .dashed { stroke-dasharray: 5 4; }
svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg .equity { stroke: var(--blue); } svg .equity.dot { fill: var(--blue); stroke: none; }
svg .drawdown.area { fill: var(--vermillion); fill-opacity: 0.35; stroke: var(--vermillion); stroke-width: 1; }
svg rect.win, svg line.win { fill: var(--green); stroke: var(--green); }
svg rect.loss, svg line.loss { fill: var(--vermillion); stroke: var(--vermillion); }
svg rect.fee, svg line.fee { fill: var(--grey); stroke: var(--grey); }
svg .track { fill: var(--panel); stroke: var(--line); }
svg .interval { stroke: #3d4650; stroke-width: 1.5; }
svg .rate { fill: var(--blue); stroke: #fff; stroke-width: 1.5; }
svg .breakeven { stroke: var(--vermillion); stroke-width: 2; }
svg .note { fill: var(--muted); font-size: 11.5px; }
svg .strong { fill: var(--ink); font-weight: 600; font-size: 12.5px; }
svg .calibration { fill: var(--blue); fill-opacity: 0.75; stroke: #fff; }
svg .count { fill: var(--muted); font-size: 10.5px; }
svg .s-model { stroke: var(--blue); fill: var(--blue); }
svg .s-fair_value { stroke: var(--orange); fill: var(--orange); }
svg .s-coin_flip { stroke: var(--grey); fill: var(--grey); }
svg .s-market { stroke: var(--green); fill: var(--green); }
svg .s-stale_taker { stroke: var(--purple); fill: var(--purple); }
svg path.line.s-model, svg path.line.s-fair_value, svg path.line.s-coin_flip, svg path.line.s-market { fill: none; }
svg .reason { fill: var(--purple); }
svg .lag-interval { fill: var(--blue); fill-opacity: 0.12; stroke: none; }
svg .panel { fill: #fbfcfd; stroke: var(--line); }
svg .panel-title { font-weight: 600; }
svg .result { font-weight: 600; font-size: 10.5px; }
svg .r-yes { fill: #00795a; } svg .r-no { fill: #b34700; } svg .r-open, svg .r-unknown { fill: var(--muted); }
svg .price { stroke: var(--ink); stroke-width: 1.3; fill: none; }
svg .strike { stroke: var(--blue); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .settlement { fill: #fff; stroke: var(--ink); stroke-width: 2; }
svg .e-yes { fill: var(--green); stroke: #fff; stroke-width: 1; }
svg .e-no { fill: var(--vermillion); stroke: #fff; stroke-width: 1; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
`;
