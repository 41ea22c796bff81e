import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { UserError } from "../../domain/errors.ts";
import { type Scheduler, type Timer, systemScheduler } from "../../net/scheduler.ts";
import { type BoardEvent, type BoardOptions, SessionBoard } from "./board.ts";
import { dashboardPage } from "./page.ts";
import { type DashboardState, type SeriesPanelRow, startingState } from "./state.ts";
import { formatDecimal, parseDollars } from "../../domain/money.ts";

export const DEFAULT_PORT = 8015;
export const DEFAULT_HOST = "127.0.0.1";

export interface DashboardOptions {
  /** Where to listen: 127.0.0.1 unless asked (another host is reachable from other machines). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Milliseconds between state updates on /events (1000). */
  readonly intervalMs?: number;
  /** Milliseconds between heartbeat comments on /events (15 000). */
  readonly heartbeatMs?: number;
  /** Most event streams served at once; more are refused (503) so a runaway tab cannot pile them up. */
  readonly maxStreams?: number;
  /** The clock of the updates and heartbeats (default the wall clock). */
  readonly scheduler?: Scheduler;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The hostname of a Host header ("127.0.0.1:8015", "[::1]:8015", "localhost"). */
function hostName(header: string | undefined): string {
  if (header === undefined) return "";
  const v = header.trim();
  if (v.startsWith("[")) return v.slice(0, v.indexOf("]") + 1);
  const colon = v.lastIndexOf(":");
  return colon >= 0 ? v.slice(0, colon) : v;
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The live dashboard: a small HTTP server on node:http with three routes. `GET /` is the page,
 * `GET /api/state` the current state as JSON, `GET /events` a server-sent event stream with the
 * state every second, each trade and settlement as it happens, and a heartbeat comment. It
 * serves whichever session board the driver attached, and a "starting" state before that.
 */
export class DashboardServer {
  /** The page's address, e.g. http://127.0.0.1:8015/. */
  readonly url: string;
  /** Bound to an address other machines can reach. */
  readonly exposed: boolean;
  private readonly boards: SessionBoard[] = [];
  /** Each open event stream and the series it follows (null: the first). */
  private readonly streams = new Map<ServerResponse, string | null>();
  private readonly session: string;
  private readonly page: { readonly html: string; readonly csp: string };
  private readonly timers: Timer[] = [];
  private closed: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly reported = new Set<string>();
  /**
   * Where a fault of the dashboard's own is reported (once per distinct message): the trading
   * goes on whatever the dashboard does. The commands point it at the run's log.
   */
  onError: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`);

  private constructor(
    private readonly server: Server,
    host: string,
    readonly port: number,
    private readonly o: DashboardOptions,
  ) {
    const scheduler = o.scheduler ?? systemScheduler;
    this.now = () => scheduler.now();
    this.session = `${this.now().toString(36)}-${process.pid.toString(36)}`;
    this.exposed = !isLoopback(host);
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
    this.page = dashboardPage();
    server.on("request", (req, res) => {
      try {
        this.route(req, res);
      } catch (e) {
        this.fault(e);
        if (!res.headersSent) this.plain(res, 500, "the dashboard could not answer (see the log)\n");
        else res.destroy();
      }
    });
    this.timers.push(
      scheduler.every(o.intervalMs ?? 1000, () => {
        // Each stream gets the state of the series it follows, made once per series.
        const made = new Map<string | null, string>();
        for (const [res, series] of this.streams) {
          if (!made.has(series)) made.set(series, this.stateEvent(series));
          const event = made.get(series)!;
          if (event && !res.writableNeedDrain) res.write(event);
        }
      }),
    );
    this.timers.push(scheduler.every(o.heartbeatMs ?? 15_000, () => this.broadcast(`: heartbeat ${new Date(this.now()).toISOString()}\n\n`)));
  }

  /**
   * Listens on host:port, or fails with one line a user can act on (a port in use, a host that
   * is not this machine's): called before anything connects, so nothing has started yet.
   */
  static async open(o: DashboardOptions = {}): Promise<DashboardServer> {
    const host = o.host ?? DEFAULT_HOST;
    const port = o.port ?? DEFAULT_PORT;
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE") throw new UserError(`the dashboard's port ${port} on ${host} is in use (another btc15 dashboard?): choose another with --port`);
      if (code === "EACCES") throw new UserError(`the dashboard may not listen on port ${port} on ${host} (permission denied): choose a port above 1023 with --port`);
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") throw new UserError(`the dashboard cannot listen on ${host}: not an address of this machine (--dashboard-host)`);
      throw new UserError(`the dashboard cannot listen on ${host}:${port}: ${code ?? (e as Error).message}`);
    }
    const address = server.address();
    const bound = typeof address === "object" && address !== null ? address.port : port;
    return new DashboardServer(server, host, bound, o);
  }

  /**
   * A board for one of the driver's sessions, served from now on: one per series (a driver that
   * trades several attaches each); a board of a series already shown replaces it (the next session).
   */
  attach(o: BoardOptions): SessionBoard {
    const board = new SessionBoard(o);
    board.onEvent = (e: BoardEvent) => this.broadcast(sse(e.kind, e.row), o.series);
    const same = this.boards.findIndex((b) => b.o.series === o.series);
    if (same >= 0) this.boards.splice(same, 1, board);
    else this.boards.push(board);
    return board;
  }

  /** The state now of `series` (the first series when absent or unknown), as served at /api/state?series=…. */
  state(series: string | null = null): DashboardState {
    const now = this.now();
    const at = new Date(now).toISOString();
    const board = this.boardOf(series);
    if (board === null) return startingState(this.session, at);
    const s = board.snapshot(this.session, at, now);
    if (this.boards.length === 1) return s;
    const rows = this.boards.map((b) => b.row());
    return { ...s, seriesRows: [...rows, total(rows)] };
  }

  private boardOf(series: string | null): SessionBoard | null {
    return this.boards.find((b) => b.o.series === series) ?? this.boards[0] ?? null;
  }

  /** Event streams open now. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * Sends the final state and an `end` event, ends every stream and stops listening. A page left
   * open keeps trying to reconnect, and follows the next session served on the same port.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    for (const t of this.timers) t.cancel();
    for (const b of this.boards) b.stop();
    for (const [res, series] of this.streams) res.end(this.stateEvent(series) + sse("end", { reason: "the session stopped" }));
    this.streams.clear();
    this.closed = new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  /** The state as an event, or nothing when it cannot be made (reported; the next second tries again). */
  private stateEvent(series: string | null = null): string {
    try {
      return sse("state", this.state(series));
    } catch (e) {
      this.fault(e);
      return "";
    }
  }

  private fault(e: unknown): void {
    const message = `dashboard: ${(e as Error).message ?? String(e)}`;
    if (this.reported.has(message) || this.reported.size >= 20) return;
    this.reported.add(message);
    this.onError(message);
  }

  /** To every stream, or with `series` only to those following it (the first series: those following none). */
  private broadcast(text: string, series?: string): void {
    for (const [res, follows] of this.streams) {
      if (series !== undefined && this.boardOf(follows)?.o.series !== series) continue;
      // A stream that cannot keep up skips updates: each state is complete, so none is owed.
      if (res.writableNeedDrain) continue;
      res.write(text);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    // Bound to loopback, only loopback names are answered: a web page elsewhere cannot read the
    // state through a DNS name that points here (DNS rebinding).
    if (!this.exposed && !isLoopback(hostName(req.headers.host))) return this.plain(res, 403, "forbidden: this dashboard answers only to 127.0.0.1 and localhost\n");
    const [path, query = ""] = (req.url ?? "/").split("?");
    const series = new URLSearchParams(query).get("series");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return this.plain(res, 405, "method not allowed\n");
    }
    switch (path) {
      case "/":
        res.writeHead(200, {
          "Content-Type": "text/html; charset=utf-8",
          "Cache-Control": "no-store",
          "Content-Security-Policy": this.page.csp,
          "X-Content-Type-Options": "nosniff",
          "Referrer-Policy": "no-referrer",
        });
        res.end(req.method === "HEAD" ? undefined : this.page.html);
        return;
      case "/api/state": {
        const body = JSON.stringify(this.state(series));
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      }
      case "/events":
        return this.stream(req, res, series);
      default:
        return this.plain(res, 404, "not found: the dashboard serves /, /events and /api/state\n");
    }
  }

  private stream(req: IncomingMessage, res: ServerResponse, series: string | null): void {
    if (this.closed) return this.plain(res, 503, "the dashboard is stopping\n");
    if (req.method === "HEAD") {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store" });
      res.end();
      return;
    }
    if (this.streams.size >= (this.o.maxStreams ?? 32)) {
      res.setHeader("Retry-After", "5");
      return this.plain(res, 503, "too many open event streams\n");
    }
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    req.socket.setNoDelay(true);
    // The page reconnects a second after a drop; it starts from the full state at once.
    res.write(`retry: 1000\n\n${this.stateEvent(series)}`);
    this.streams.set(res, series);
    res.on("close", () => this.streams.delete(res));
    res.on("error", () => this.streams.delete(res));
  }

  private plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end(text);
  }
}

/** Every series together, for the list's last row. */
function total(rows: readonly SeriesPanelRow[]): SeriesPanelRow {
  const sum = (f: (r: SeriesPanelRow) => string | null) => {
    const xs = rows.map(f).filter((x): x is string => x !== null);
    return xs.length ? formatDecimal(xs.reduce((n, x) => n + parseDollars(x), 0)) : null;
  };
  return {
    series: "all",
    coin: "all",
    phase: rows.every((r) => r.phase === "stopped") ? "stopped" : rows.some((r) => r.phase === "running") ? "running" : "starting",
    equity: sum((r) => r.equity),
    pnl: sum((r) => r.pnl),
    trades: rows.reduce((n, r) => n + r.trades, 0),
    openPositions: rows.reduce((n, r) => n + r.openPositions, 0),
    pUp: null,
    ticker: null,
    price: null,
  };
}

/** The dashboard flags as a command gives them. */
export interface DashboardRequest {
  readonly dashboard?: boolean;
  readonly port?: number;
  readonly dashboardHost?: string;
}

/**
 * Opens the dashboard when asked (null otherwise): run before anything connects, so a port in
 * use is one line and exit 2 with nothing started. --port or --dashboard-host alone is a mistake.
 */
export async function openDashboard(r: DashboardRequest): Promise<DashboardServer | null> {
  if (!r.dashboard) {
    if (r.port !== undefined || r.dashboardHost !== undefined) throw new UserError(`${r.port !== undefined ? "--port" : "--dashboard-host"} only applies with --dashboard`);
    return null;
  }
  return DashboardServer.open({ port: r.port ?? DEFAULT_PORT, host: r.dashboardHost ?? DEFAULT_HOST });
}

/** What to print at start: the address, and a warning when other machines can reach it. */
export function dashboardBanner(d: DashboardServer): { readonly info: string; readonly warning: string | null } {
  return {
    info: `dashboard  ${d.url} (updated every second)`,
    warning: d.exposed ? `the dashboard listens on ${d.url}, which other machines may reach: anyone who can connect sees your positions and P&L (no keys or secrets are served)` : null,
  };
}
