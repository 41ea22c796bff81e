// The dashboard page's script, inlined into the page by page.ts (no external resources). It
// fills the page from /api/state, then follows /events; every state replaces the last, so a page
// opened mid-session or reconnected after a restart shows the whole picture at once.
/* global document, EventSource, URLSearchParams */
"use strict";
(function () {
  const SVGNS_W = 640;
  const SVGNS_H = 230;
  const BOX = { left: 64, right: SVGNS_W - 14, top: 12, bottom: SVGNS_H - 26 };

  let source = null;
  let retry = null;
  let renders = 0;
  let lastPrice = null;
  let noticeTimer = null;
  /** The series this page follows (?series=KXETH15M); the session's first without one. */
  const follows = new URLSearchParams(document.location.search).get("series");
  const query = follows === null ? "" : "?series=" + encodeURIComponent(follows);
  /** The followed series' price decimals (2 for BTC and ETH, 4 for SOL and XRP), from its state. */
  let digits = 2;

  const field = (name) => document.querySelector('[data-field="' + name + '"]');
  const setText = (name, text) => {
    const el = field(name);
    if (el) el.textContent = text;
  };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // ---- formatting: money arrives as exact decimal strings and is rounded to the cent in integers ----

  /** "-12.3456" → "−$12.35" (signed) or "$12.35": integer arithmetic on 1/10000 units, halves away from zero. */
  function usd(dec, signed) {
    if (dec === null || dec === undefined) return "—";
    const m = /^(-)?(\d+)(?:\.(\d{1,4}))?$/.exec(String(dec));
    if (!m) return String(dec);
    const units = Number(m[2]) * 10000 + Number((m[3] || "").padEnd(4, "0"));
    const centsAbs = Math.floor((units + 50) / 100);
    const negative = m[1] === "-" && centsAbs > 0;
    const whole = Math.floor(centsAbs / 100).toLocaleString("en-US");
    const text = "$" + whole + "." + String(centsAbs % 100).padStart(2, "0");
    if (negative) return "−" + text;
    return signed && centsAbs > 0 ? "+" + text : text;
  }
  /** A contract price as the console writes it: "0.8700" → "87¢", "0.4550" → "45.5¢" (integer units, no float drift). */
  function priceCents(dec) {
    if (dec === null || dec === undefined) return "—";
    const m = /^(\d+)(?:\.(\d{1,4}))?$/.exec(String(dec));
    if (!m) return String(dec);
    const units = Number(m[1]) * 10000 + Number((m[2] || "").padEnd(4, "0"));
    const whole = Math.floor(units / 100);
    const frac = String(units % 100).padStart(2, "0").replace(/0+$/, "");
    return whole.toLocaleString("en-US") + (frac ? "." + frac : "") + "¢";
  }
  const count = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US"));
  const signClass = (dec) => (dec === null || dec === undefined ? "" : String(dec).startsWith("-") ? "neg" : /[1-9]/.test(String(dec)) ? "pos" : "");
  const dollars = (x) => (x === null || x === undefined ? "—" : "$" + x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  /** A strike or settlement value as the journal writes it ("64839.26", "2.1234"), with its decimals. */
  const priceText = (dec) => (dec === null || dec === undefined ? "—" : "$" + Number(dec).toLocaleString("en-US", { minimumFractionDigits: Math.max(2, (String(dec).split(".")[1] || "").length), maximumFractionDigits: 8 }));
  const centsText = (c) => (c === null || c === undefined ? "—" : (Math.round(c * 10) / 10).toString() + "¢");
  const pct = (x, digits) => (x === null || x === undefined ? "—" : (x * 100).toFixed(digits === undefined ? 1 : digits) + "%");
  const utc = (t) => (t === null || t === undefined ? "—" : new Date(t * 1000).toISOString().slice(0, 19).replace("T", " "));
  const hhmm = (t) => new Date(t * 1000).toISOString().slice(11, 16);
  const hhmmss = (t) => new Date(t * 1000).toISOString().slice(11, 19);
  const stamp = (t) => new Date(t * 1000).toISOString().slice(5, 19).replace("T", " ");
  /** The window without the series prefix (the header names the series). */
  const short = (ticker) => ticker.replace(/^[A-Z0-9]+-/, "");
  const mmss = (s) => Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s";

  // ---- charts: inline SVG drawn here ----

  function linear(d0, d1, r0, r1) {
    if (d1 === d0) return () => (r0 + r1) / 2;
    const k = (r1 - r0) / (d1 - d0);
    return (v) => r0 + (v - d0) * k;
  }

  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)));
    return out;
  }

  /** Padded [lo, hi] around the values, never of zero width. */
  function domain(values, padFraction, minWidth) {
    const v = values.filter((x) => x !== null && x !== undefined && isFinite(x));
    if (v.length === 0) return [0, 1];
    let lo = Math.min.apply(null, v);
    let hi = Math.max.apply(null, v);
    if (hi - lo < minWidth) {
      const mid = (hi + lo) / 2;
      lo = mid - minWidth / 2;
      hi = mid + minWidth / 2;
    }
    const pad = (hi - lo) * padFraction;
    return [lo - pad, hi + pad];
  }

  const n1 = (x) => String(Math.round(x * 10) / 10);

  /** A path through [x, y] points; null breaks the line. `step` holds each value until the next. */
  function path(points, sx, sy, step) {
    let d = "";
    let pen = false;
    for (const p of points) {
      if (p === null || p[1] === null || p[1] === undefined) {
        pen = false;
        continue;
      }
      const x = n1(sx(p[0]));
      const y = n1(sy(p[1]));
      if (!pen) d += "M" + x + " " + y;
      else if (step) d += "H" + x + "V" + y;
      else d += "L" + x + " " + y;
      pen = true;
    }
    return d;
  }

  function frame(xd, yd, yFmt, xTicks) {
    const sx = linear(xd[0], xd[1], BOX.left, BOX.right);
    const sy = linear(yd[0], yd[1], BOX.bottom, BOX.top);
    let g = "";
    for (const v of niceTicks(yd[0], yd[1], 5)) {
      const y = n1(sy(v));
      g += '<line class="grid" x1="' + BOX.left + '" x2="' + BOX.right + '" y1="' + y + '" y2="' + y + '"/>';
      g += '<text x="' + (BOX.left - 6) + '" y="' + y + '" dy="0.32em" text-anchor="end">' + esc(yFmt(v)) + "</text>";
    }
    for (const tk of xTicks) {
      const x = n1(sx(tk.t));
      g += '<line class="grid" x1="' + x + '" x2="' + x + '" y1="' + BOX.top + '" y2="' + BOX.bottom + '"/>';
      g += '<text x="' + x + '" y="' + (BOX.bottom + 16) + '" text-anchor="middle">' + esc(tk.label) + "</text>";
    }
    g += '<line class="axis-line" x1="' + BOX.left + '" x2="' + BOX.right + '" y1="' + BOX.bottom + '" y2="' + BOX.bottom + '"/>';
    return { sx, sy, g };
  }

  function timeTicks(t0, t1, max) {
    const steps = [60, 120, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
    const span = Math.max(1, t1 - t0);
    const step = steps.find((s) => span / s <= max) || steps[steps.length - 1];
    const out = [];
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push({ t, label: span > 86400 ? new Date(t * 1000).toISOString().slice(5, 16).replace("T", " ") : hhmm(t) });
    return out;
  }

  function waiting(svg, text) {
    svg.setAttribute("data-points", "0");
    svg.innerHTML = '<text class="waiting" x="' + SVGNS_W / 2 + '" y="' + SVGNS_H / 2 + '" text-anchor="middle">' + esc(text) + "</text>";
  }

  function drawWindowPrice(w) {
    const svg = document.querySelector('svg[data-chart="window-price"]');
    if (w === null || w.series.t.length === 0) return waiting(svg, "waiting for the current window's first forecast…");
    const s = w.series;
    const yd = domain(s.price.concat([w.strike, w.proxyStrike]), 0.08, 20);
    const f = frame([w.open, w.close], yd, (v) => "$" + v.toLocaleString("en-US", { maximumFractionDigits: 0 }), timeTicks(w.open, w.close, 6));
    const pts = s.t.map((t, i) => [t, s.price[i]]);
    let body = f.g;
    if (w.proxyStrike !== null && w.proxyStrike !== w.strike) body += '<line class="proxy-strike" x1="' + BOX.left + '" x2="' + BOX.right + '" y1="' + n1(f.sy(w.proxyStrike)) + '" y2="' + n1(f.sy(w.proxyStrike)) + '"/>';
    const ys = n1(f.sy(w.strike));
    body += '<line class="strike" x1="' + BOX.left + '" x2="' + BOX.right + '" y1="' + ys + '" y2="' + ys + '"/>';
    body += '<text class="label" x="' + (BOX.right - 4) + '" y="' + ys + '" dy="-4" text-anchor="end">strike ' + esc(dollars(w.strike)) + "</text>";
    body += '<path class="line price" data-points="' + pts.length + '" d="' + path(pts, f.sx, f.sy, false) + '"/>';
    svg.innerHTML = body;
    svg.setAttribute("data-points", String(pts.length));
  }

  function drawForecast(w, trades) {
    const svg = document.querySelector('svg[data-chart="forecast"]');
    if (w === null || w.series.t.length === 0) return waiting(svg, "waiting for the current window's first forecast…");
    const s = w.series;
    const f = frame([w.open, w.close], [0, 100], (v) => v + "¢", timeTicks(w.open, w.close, 6));
    const col = (values, scale) => s.t.map((t, i) => [t, values[i] === null ? null : values[i] * scale]);
    let body = f.g;
    // The spread: the band between the YES bid and ask, wherever both were quoted.
    let band = "";
    let run = [];
    const flush = () => {
      if (run.length > 0) {
        const top = run.map((p) => n1(f.sx(p[0])) + " " + n1(f.sy(p[2])));
        const bottom = run.map((p) => n1(f.sx(p[0])) + " " + n1(f.sy(p[1]))).reverse();
        band += "M" + top.join("L") + "L" + bottom.join("L") + "Z";
      }
      run = [];
    };
    s.t.forEach((t, i) => {
      if (s.yesBid[i] === null || s.yesAsk[i] === null) flush();
      else run.push([t, s.yesBid[i], s.yesAsk[i]]);
    });
    flush();
    if (band) body += '<path class="spread" d="' + band + '"/>';
    const bid = col(s.yesBid, 1);
    const ask = col(s.yesAsk, 1);
    const pUp = col(s.pUp, 100);
    body += '<path class="line bid" data-points="' + bid.filter((p) => p[1] !== null).length + '" d="' + path(bid, f.sx, f.sy, true) + '"/>';
    body += '<path class="line ask" data-points="' + ask.filter((p) => p[1] !== null).length + '" d="' + path(ask, f.sx, f.sy, true) + '"/>';
    body += '<path class="line fair" data-points="' + s.fairValue.length + '" d="' + path(col(s.fairValue, 100), f.sx, f.sy, false) + '"/>';
    body += '<path class="line pup" data-points="' + pUp.length + '" d="' + path(pUp, f.sx, f.sy, false) + '"/>';
    // This window's entries at the price paid, in YES terms (a NO at 40¢ is a YES at 60¢).
    for (const tr of trades) {
      if (tr.ticker !== w.ticker) continue;
      const paid = Number(tr.price) * 100;
      const yes = tr.side === "yes" ? paid : 100 - paid;
      body += '<circle class="entry ' + esc(tr.side) + '" r="5" cx="' + n1(f.sx(tr.t)) + '" cy="' + n1(f.sy(yes)) + '"><title>' + esc(tr.side.toUpperCase() + " " + tr.contracts + " at " + usd(tr.price)) + "</title></circle>";
    }
    svg.innerHTML = body;
    svg.setAttribute("data-points", String(pUp.length));
  }

  function drawEquity(state) {
    const svg = document.querySelector('svg[data-chart="equity"]');
    const pts = state.equity;
    if (pts.length === 0 || state.account === null) return waiting(svg, "no equity yet: it is drawn from the first second on");
    const start = Number(state.account.startBalance);
    const t0 = pts[0][0];
    const t1 = Math.max(pts[pts.length - 1][0], t0 + 60);
    const yd = domain(pts.map((p) => p[1]).concat([start]), 0.1, 2);
    const f = frame([t0, t1], yd, (v) => "$" + v.toLocaleString("en-US", { maximumFractionDigits: 2 }), timeTicks(t0, t1, 6));
    const ys = n1(f.sy(start));
    let body = f.g + '<line class="start" x1="' + BOX.left + '" x2="' + BOX.right + '" y1="' + ys + '" y2="' + ys + '"/>';
    body += '<path class="line equity" data-points="' + pts.length + '" d="' + path(pts, f.sx, f.sy, true) + '"/>';
    svg.innerHTML = body;
    svg.setAttribute("data-points", String(pts.length));
  }

  // ---- tables ----

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
  }

  function fill(name, rows, columns, empty) {
    const body = document.querySelector('[data-table="' + name + '"] tbody');
    body.textContent = "";
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = document.createElement("td");
      td.colSpan = 12;
      td.textContent = empty;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.className = "row";
      for (const c of columns(r)) cell(tr, c[0], c[1]);
      body.appendChild(tr);
    }
  }

  // ---- the state ----

  /** With several series: each one's line, linking to its own view, and all of them together. */
  function renderSeries(st) {
    const card = document.getElementById("series");
    const rows = st.seriesRows || [];
    card.hidden = rows.length < 2;
    if (rows.length < 2) return;
    const body = document.querySelector('[data-table="series"] tbody');
    body.textContent = "";
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.className = "row" + (r.series === st.series ? " current" : "");
      tr.setAttribute("data-series", r.series);
      const first = document.createElement("td");
      if (r.series === "all") first.textContent = "all series";
      else {
        const a = document.createElement("a");
        a.href = "?series=" + encodeURIComponent(r.series);
        a.textContent = r.series + " (" + r.coin + ")";
        first.appendChild(a);
      }
      tr.appendChild(first);
      cell(tr, r.phase);
      cell(tr, r.ticker === null ? "—" : short(r.ticker));
      cell(tr, r.pUp === null ? "—" : pct(r.pUp), "num");
      cell(tr, r.equity === null ? "—" : usd(r.equity), "num");
      cell(tr, r.pnl === null ? "—" : usd(r.pnl, true), "num " + signClass(r.pnl));
      cell(tr, count(r.trades), "num");
      cell(tr, count(r.openPositions), "num");
      body.appendChild(tr);
    }
  }

  function render(st) {
    digits = st.priceDigits === undefined ? 2 : st.priceDigits;
    const coin = st.coin || "BTC";
    setText("price-title", coin + " price");
    setText("window-chart-title", coin + " across the window");
    setText("window-price-legend", coin + " price");
    renderSeries(st);
    document.body.setAttribute("data-session", st.session);
    document.body.setAttribute("data-phase", st.phase);
    const mode = field("mode");
    mode.textContent = st.mode === null ? "…" : st.mode === "live" ? "LIVE (real money)" : "PAPER";
    mode.className = "pill " + (st.mode === "live" ? "real" : "paper");
    const what = { live: "live trader", demo: "demo on recorded prices", replay: "replay of a recorded session" }[st.driver] || "starting";
    setText("session-line", st.series === null ? "waiting for the trader…" : st.series + " · " + what + " · " + st.market + " market" + (st.phase === "stopped" ? " · stopped" : st.phase === "starting" ? " · starting" : ""));
    setText("clock", st.t === null ? "—" : "market time " + utc(st.t) + " UTC");

    // Price and sources.
    const p = st.price;
    const big = field("btc-price");
    big.textContent = dollars(p.composite);
    big.className = "big" + (lastPrice !== null && p.composite !== null && p.composite !== lastPrice ? (p.composite > lastPrice ? " up" : " down") : "");
    if (p.composite !== null) lastPrice = p.composite;
    setText("price-mode", p.composite === null ? "no fresh price (" + p.mode + ")" : p.mode === "recorded" ? "recorded prices, one a second" : (p.mode === "composite" ? "median of " : "from ") + p.contributors.join(", ") + " (" + p.contributors.length + "/" + p.sources.length + " sources)");
    const price2 = (x) => (x === null ? "—" : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
    fill("source-prices", p.sources, (s) => [[s.name], [s.state, "state-" + s.state], [price2(s.price), "num"]], "no sources yet");
    fill("sources", p.sources, (s) => [
      [s.name],
      [s.transport],
      [s.state, "state-" + s.state],
      [price2(s.price), "num"],
      [s.ageMs === null ? "—" : (s.ageMs / 1000).toFixed(1) + " s ago", "num"],
      [s.messages.toLocaleString("en-US"), "num"],
      [count(s.reconnects), "num"],
      [count(s.parseErrors), "num"],
      [count(s.rejected), "num"],
      [count(s.gaps), "num"],
      [s.lastError === null ? "" : s.lastError],
    ], "no sources yet");

    // The window.
    const w = st.window;
    if (w === null) {
      setText("time-left", "—");
      setText("ticker", st.phase === "starting" ? "starting…" : "no window (between windows, or waiting for a strike)");
      field("window-progress").style.width = "0";
      for (const k of ["strike", "window-price", "distance", "proxy-strike"]) setText(k, "—");
    } else {
      setText("time-left", mmss(w.secondsLeft) + " left");
      setText("ticker", w.ticker + " · closes " + hhmmss(w.close) + " UTC");
      field("window-progress").style.width = (100 * (1 - w.secondsLeft / (w.close - w.open))).toFixed(1) + "%";
      setText("strike", dollars(w.strike) + (w.strikeSource === "kalshi" ? " (Kalshi)" : " (ours)"));
      setText("window-price", dollars(w.price));
      const dist = w.price - w.strike;
      setText("distance", (dist >= 0 ? "+" : "−") + dollars(Math.abs(dist)));
      setText("proxy-strike", w.proxyStrike === null ? "— (joined midway)" : dollars(w.proxyStrike));
    }

    // Forecast and decision.
    const d = st.decision;
    const fc = d === null ? null : d.forecast;
    setText("p-up", fc === null ? "—" : "P(up) " + pct(fc.pUp));
    setText("forecast-parts", fc === null ? "no forecast this second" : "fair value " + pct(fc.fairValue) + " · momentum " + (fc.momentum * 100).toFixed(1) + " · mean reversion " + (fc.meanReversion * 100).toFixed(1) + " · σ15m " + pct(fc.sigma15m, 2));
    const q = d === null ? null : d.quote;
    setText("yes-quote", q === null ? "—" : centsText(q.yesBid) + " / " + centsText(q.yesAsk));
    setText("no-quote", q === null ? "—" : centsText(q.noBid) + " / " + centsText(q.noAsk));
    setText("edges", d === null ? "—" : pct(d.edgeYes) + " / " + pct(d.edgeNo));
    setText("confidence", d === null ? "—" : pct(d.confidence));
    const reason = field("decision");
    reason.className = "reason" + (d !== null && d.kind === "trade" ? " trade" : "");
    reason.innerHTML = d === null ? "no decision yet" : d.kind === "trade" ? "<b>TRADE</b> " + esc(d.detail) : "No trade: <b>" + esc(d.reason) + "</b> " + esc(d.detail);

    // Account.
    const a = st.account;
    setText("equity", a === null ? "—" : usd(a.equity));
    setText("balance", a === null ? "—" : usd(a.balance));
    const pnl = field("pnl");
    pnl.textContent = a === null ? "—" : usd(a.pnl, true) + " (" + (Number(a.startBalance) > 0 ? ((Number(a.pnl) / Number(a.startBalance)) * 100).toFixed(1) + "%" : "—") + ")";
    pnl.className = a === null ? "" : signClass(a.pnl);
    setText("fees", a === null ? "—" : usd(a.fees));
    setText("trades", a === null ? "—" : count(a.trades));
    setText("record", a === null ? "—" : count(a.wins) + " / " + count(a.losses) + " / " + count(a.voided));
    setText("win-rate", a === null || a.winRate === null ? "—" : pct(a.winRate));
    setText("open", a === null ? "—" : count(a.openPositions) + (a.openPositions ? " (" + usd(a.openCost) + " at cost)" : ""));
    setText("max-drawdown", a === null ? "—" : usd(a.maxDrawdown));

    // Charts.
    drawWindowPrice(w);
    drawForecast(w, st.trades);
    drawEquity(st);

    // Trades, settlements, windows.
    fill("trades", st.trades, (r) => [
      [stamp(r.t)],
      [short(r.ticker)],
      [r.side.toUpperCase()],
      [count(r.contracts), "num"],
      [priceCents(r.price), "num"],
      [usd(r.cost) + " + " + usd(r.fee), "num"],
      [pct(r.pSide), "num"],
      [pct(r.edge), "num"],
      [r.status],
      [r.pnl === null ? "—" : usd(r.pnl, true), "num " + signClass(r.pnl)],
    ], "no trades yet");
    fill("settlements", st.settlements, (r) => [
      [stamp(r.t)],
      [short(r.ticker)],
      [r.result === "void" ? "void" : r.result.toUpperCase() + (r.won ? " (won)" : " (lost)")],
      [r.settlementValue === null ? "—" : priceText(r.settlementValue), "num"],
      [r.strike === null ? "—" : priceText(r.strike), "num"],
      [usd(r.pnl, true), "num " + signClass(r.pnl)],
      [usd(r.balanceAfter), "num"],
      [r.source],
    ], "no settlements yet");
    fill("windows", st.windows, (r) => [
      [hhmm(r.close)],
      [r.result === null ? "unknown" : r.result.toUpperCase() + (r.proxyResult !== null && r.proxyResult !== r.result ? " (ours " + r.proxyResult.toUpperCase() + ")" : "")],
      [r.settlementValue === null ? "—" : priceText(r.settlementValue), "num"],
      [r.source],
    ], "no window's outcome is known yet");

    // Counters.
    const c = st.counters;
    setText("samples", c.samples.toLocaleString("en-US"));
    setText("forecasts", c.forecasts.toLocaleString("en-US"));
    setText("windows-closed", count(c.windowsClosed));
    setText("gaps", count(c.gaps));
    setText("proxy", c.proxyCompared ? count(c.proxyDisagreements) + " of " + count(c.proxyCompared) + " disagreed" : "—");
    // Ours and the market's mid only where the market quoted: never one over more checkpoints than the other.
    const sc = st.scores;
    setText("scores", sc === null ? "— (no window with a market quote resolved yet)" : "ours " + sc.model.toFixed(4) + " · market mid " + sc.market.toFixed(4) + " · difference " + (sc.difference >= 0 ? "+" : "−") + Math.abs(sc.difference).toFixed(4) + (sc.ci95 ? " [" + sc.ci95[0].toFixed(4) + ", " + sc.ci95[1].toFixed(4) + "]" : "") + " over " + count(sc.checkpoints) + " checkpoints, " + count(sc.windows) + " windows");
    fill("no-trade", c.noTrade.slice(0, 8), (r) => [[r[0]], [r[1].toLocaleString("en-US"), "num"]], "none yet");
    setText("kalshi-counters", c.kalshi === null ? "" : c.kalshi);

    renders++;
    document.body.setAttribute("data-renders", String(renders));
  }

  function notice(text) {
    const el = field("notice");
    el.textContent = text;
    el.className = "notice show";
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => (el.className = "notice"), 4000);
  }

  function connection(kind, text) {
    const el = field("connection");
    el.textContent = text;
    el.className = "pill " + kind;
    document.body.setAttribute("data-connection", kind);
  }

  // ---- the stream: EventSource retries by itself after a drop; after a refusal or the end of a
  // session it is closed, so the page starts a new one and keeps trying. ----

  function reconnectSoon(ms) {
    clearTimeout(retry);
    retry = setTimeout(connect, ms);
  }

  function connect() {
    if (source !== null) source.close();
    const es = new EventSource("/events" + query);
    source = es;
    es.addEventListener("open", () => connection("live", "live"));
    es.addEventListener("state", (e) => {
      connection("live", "live");
      render(JSON.parse(e.data));
    });
    es.addEventListener("trade", (e) => {
      const r = JSON.parse(e.data);
      notice("▶ TRADE " + r.ticker + ": " + r.side.toUpperCase() + " " + count(r.contracts) + " at " + priceCents(r.price) + " (" + usd(r.cost) + " + fee " + usd(r.fee) + ")");
    });
    es.addEventListener("settlement", (e) => {
      const r = JSON.parse(e.data);
      notice("■ " + (r.result === "void" ? "VOID" : "SETTLED") + " " + r.ticker + ": " + (r.result === "void" ? "refunded" : r.result.toUpperCase() + ", P&L " + usd(r.pnl, true)));
    });
    es.addEventListener("end", () => {
      es.close();
      source = null;
      connection("stopped", "session ended · reconnecting…");
      reconnectSoon(1000);
    });
    es.addEventListener("error", () => {
      if (source !== es) return;
      connection("reconnecting", "reconnecting…");
      if (es.readyState === EventSource.CLOSED) {
        source = null;
        reconnectSoon(2000);
      }
    });
  }

  fetch("/api/state" + query, { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : null))
    .then((st) => {
      if (st !== null && renders === 0) render(st);
    })
    .catch(() => {
      /* the stream brings the state as soon as it connects */
    });
  connect();
})();
