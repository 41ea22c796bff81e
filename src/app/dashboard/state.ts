/**
 * The dashboard's state: one plain JSON snapshot, served at /api/state and sent on /events every
 * second. Money is exact decimal strings ("185.5100", as the journal writes it); chart series
 * are numbers (dollars, cents, probabilities), for drawing only. Nothing here comes from the
 * environment or the configuration file beyond the series and the mode.
 */
export interface DashboardState {
  readonly v: 1;
  /** Changes when the server restarts: a page seeing a new one starts over. */
  readonly session: string;
  readonly phase: "starting" | "running" | "stopped";
  readonly driver: "live" | "demo" | "replay" | null;
  readonly mode: "paper" | "live" | null;
  /** The series this state is of (one of `seriesRows` when the session trades several). */
  readonly series: string | null;
  /** Its coin ("BTC") and price decimals (2 for BTC, 4 for SOL and XRP), for the page's labels. */
  readonly coin?: string;
  readonly priceDigits?: number;
  /** Every series the session trades (one row each, then "all" when several): the page lists them to choose from. */
  readonly seriesRows?: readonly SeriesPanelRow[];
  /** Where quotes come from: "synthetic", "kalshi". */
  readonly market: string | null;
  /** Wall-clock time of this snapshot (ISO UTC). */
  readonly at: string;
  /** The engine's latest instant (unix seconds): the market's time, simulated in a demo or replay. */
  readonly t: number | null;
  readonly price: PricePanel;
  readonly window: WindowPanel | null;
  readonly decision: DecisionPanel | null;
  readonly account: AccountPanel | null;
  /** [unix seconds, equity in dollars], thinned to a few hundred points. */
  readonly equity: readonly (readonly [number, number])[];
  /** The latest trades, newest first. */
  readonly trades: readonly TradeRow[];
  /** The latest settlements and voids, newest first. */
  readonly settlements: readonly SettlementRow[];
  /** The latest windows whose outcome became known, newest first. */
  readonly windows: readonly WindowRow[];
  readonly counters: CountersPanel;
  /** btc15's forecast and the market's mid scored on identical checkpoints (null before any window with both resolved). */
  readonly scores: ScoresPanel | null;
}

/**
 * Brier of our forecast and of the market's mid, on exactly the same checkpoints (each whole
 * minute 1–14 before a close where the market quoted both sides), over the windows resolved so far.
 */
export interface ScoresPanel {
  readonly checkpoints: number;
  readonly windows: number;
  readonly model: number;
  readonly market: number;
  /** model − market, window by window, with its 95 % interval (null below two windows). */
  readonly difference: number;
  readonly ci95: readonly [number, number] | null;
}

/** One series in the list of a multi-series session (or the total of them, series "all"). */
export interface SeriesPanelRow {
  readonly series: string;
  readonly coin: string;
  readonly phase: "starting" | "running" | "stopped";
  /** Exact decimal strings, as in AccountPanel; null before the engine runs. */
  readonly equity: string | null;
  readonly pnl: string | null;
  readonly trades: number;
  readonly openPositions: number;
  /** The latest forecast's P(up) and window, when there is one. */
  readonly pUp: number | null;
  readonly ticker: string | null;
  readonly price: number | null;
}

export interface PricePanel {
  /** The composite (or failover) price in dollars; null when no source is fresh. */
  readonly composite: number | null;
  /** "composite", "failover", or "recorded" (demo and replay). */
  readonly mode: string;
  readonly contributors: readonly string[];
  readonly sources: readonly SourcePanel[];
}

export interface SourcePanel {
  readonly name: string;
  readonly transport: string;
  /** connecting, live, stale, backoff, stopped; "recorded" for demo and replay prices. */
  readonly state: string;
  readonly price: number | null;
  /** Milliseconds since its last price, when known. */
  readonly ageMs: number | null;
  readonly messages: number;
  readonly reconnects: number;
  readonly parseErrors: number;
  readonly rejected: number;
  readonly gaps: number;
  readonly lastError: string | null;
}

/** The current window and, second by second, the forecast against the market across it. */
export interface WindowPanel {
  readonly ticker: string;
  readonly open: number;
  readonly close: number;
  readonly secondsLeft: number;
  /** The strike decided against, dollars, and where it came from ("kalshi" or "proxy"). */
  readonly strike: number;
  readonly strikeSource: string;
  /** Our own 60-s average strike, dollars (null when the window was joined midway). */
  readonly proxyStrike: number | null;
  readonly price: number;
  readonly series: WindowSeries;
}

/** Columns, one entry per forecast second: compact on the wire. */
export interface WindowSeries {
  readonly t: readonly number[];
  /** BTC price, dollars. */
  readonly price: readonly number[];
  readonly pUp: readonly number[];
  readonly fairValue: readonly number[];
  /** YES bid and ask in cents; null when that side was empty or there was no quote. */
  readonly yesBid: readonly (number | null)[];
  readonly yesAsk: readonly (number | null)[];
}

export interface QuotePanel {
  readonly source: string;
  /** Cents; null when that side is empty. */
  readonly yesBid: number | null;
  readonly yesAsk: number | null;
  readonly noBid: number | null;
  readonly noAsk: number | null;
}

/** The latest second's decision: a trade, or the reason for none. */
export interface DecisionPanel {
  readonly t: number;
  readonly kind: "trade" | "none";
  /** The no-trade reason (low_edge, warmup…), or "trade". */
  readonly reason: string;
  readonly detail: string;
  readonly side: string | null;
  readonly contracts: number | null;
  readonly edgeYes: number | null;
  readonly edgeNo: number | null;
  readonly confidence: number;
  /** The forecast behind it; null on seconds without one (warm-up, no strike). */
  readonly forecast: ForecastPanel | null;
  readonly quote: QuotePanel | null;
}

export interface ForecastPanel {
  readonly pUp: number;
  readonly fairValue: number;
  readonly momentum: number;
  readonly meanReversion: number;
  readonly sigma15m: number;
}

export interface AccountPanel {
  readonly startBalance: string;
  readonly balance: string;
  /** Balance plus open positions at cost. */
  readonly equity: string;
  readonly pnl: string;
  readonly fees: string;
  readonly openCost: string;
  readonly maxDrawdown: string;
  readonly trades: number;
  readonly settled: number;
  readonly wins: number;
  readonly losses: number;
  readonly voided: number;
  readonly openPositions: number;
  /** Wins over wins and losses; null before the first. */
  readonly winRate: number | null;
}

export interface TradeRow {
  readonly id: string;
  readonly t: number;
  readonly ticker: string;
  readonly side: string;
  readonly contracts: number;
  /** Average price paid per contract, before the fee. */
  readonly price: string;
  readonly cost: string;
  readonly fee: string;
  readonly pSide: number;
  readonly edge: number;
  readonly status: "open" | "won" | "lost" | "void";
  /** After the fee; null while open. */
  readonly pnl: string | null;
}

export interface SettlementRow {
  readonly t: number;
  readonly tradeId: string;
  readonly ticker: string;
  /** "yes"/"no" (the window's result), or "void". */
  readonly result: string;
  readonly won: boolean | null;
  readonly strike: string | null;
  readonly settlementValue: string | null;
  /** After the fee; a void's refund leaves it at zero. */
  readonly pnl: string;
  readonly balanceAfter: string;
  readonly source: string;
}

export interface WindowRow {
  readonly ticker: string;
  readonly close: number;
  readonly result: string | null;
  readonly strike: string | null;
  readonly settlementValue: string | null;
  /** "proxy" (our averages), "kalshi", "file". */
  readonly source: string;
  /** Our proxy's result beside an official one, when both are known. */
  readonly proxyResult: string | null;
}

export interface CountersPanel {
  readonly samples: number;
  readonly forecasts: number;
  readonly trades: number;
  readonly windowsClosed: number;
  readonly gaps: number;
  readonly proxyCompared: number;
  readonly proxyDisagreements: number;
  /** Seconds without a trade, by reason, most frequent first. */
  readonly noTrade: readonly (readonly [string, number])[];
  /** Kalshi's requests, retries and book misses in one line (live with Kalshi only). */
  readonly kalshi: string | null;
}

/** What the server serves before a driver has attached (and between its start and its first second). */
export function startingState(session: string, at: string): DashboardState {
  return {
    v: 1,
    session,
    phase: "starting",
    driver: null,
    mode: null,
    series: null,
    market: null,
    at,
    t: null,
    price: { composite: null, mode: "—", contributors: [], sources: [] },
    window: null,
    decision: null,
    account: null,
    equity: [],
    trades: [],
    settlements: [],
    windows: [],
    counters: { samples: 0, forecasts: 0, trades: 0, windowsClosed: 0, gaps: 0, proxyCompared: 0, proxyDisagreements: 0, noTrade: [], kalshi: null },
    scores: null,
  };
}
