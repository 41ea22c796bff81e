// The dashboard's HTTP server, in this process on 127.0.0.1: its three routes, the event stream
// (state, trades, settlements, heartbeats, the end), its refusals, and a port already in use.
import { createHash } from "node:crypto";
import { type IncomingMessage, request } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildCore } from "../../../src/app/core/builder.ts";
import { DashboardServer, dashboardBanner, isLoopback, openDashboard } from "../../../src/app/dashboard/server.ts";
import type { DashboardState } from "../../../src/app/dashboard/state.ts";
import { parseConfig } from "../../../src/config/load.ts";
import { UserError } from "../../../src/domain/errors.ts";
import type { SettlementRecord, TradeRecord } from "../../../src/domain/records.ts";
import { MemoryJournal } from "../../../src/engine/journal.ts";

interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

function get(port: number, path: string, o: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // A connection of its own (no keep-alive pool): a closed server then refuses it, rather than
    // cutting a pooled one that the client has not yet seen closed.
    const req = request({ host: "127.0.0.1", port, path, method: o.method ?? "GET", headers: o.host ? { host: o.host } : {}, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** An /events reader: each event and comment as it arrives, and whether the server ended it. */
function stream(port: number) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  let buffer = "";
  let headers: IncomingMessage["headers"] = {};
  let res: IncomingMessage | null = null;
  const req = request({ host: "127.0.0.1", port, path: "/events" }, (r) => {
    res = r;
    headers = r.headers;
    r.setEncoding("utf8");
    r.on("data", (d: string) => {
      buffer += d;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments.push(line.slice(1).trim());
          else if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) events.push({ event, data: data.join("\n") });
      }
    });
    r.on("end", () => (ended = true));
  });
  req.on("error", () => (ended = true));
  req.end();
  const until = async (what: () => boolean, label: string, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!what()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; events: ${events.map((e) => e.event).join(",")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    events,
    comments,
    headers: () => headers,
    ended: () => ended,
    until,
    states: () => events.filter((e) => e.event === "state").map((e) => JSON.parse(e.data) as DashboardState),
    close: () => {
      req.destroy();
      (res as IncomingMessage | null)?.destroy();
    },
  };
}

const trade: TradeRecord = {
  type: "trade",
  id: "KXBTC15M-24DEC011015-15#1",
  t: 1_733_047_800,
  ts: "2024-12-01T10:10:00Z",
  ticker: "KXBTC15M-24DEC011015-15",
  window_open: 1_733_047_200,
  window_close: 1_733_048_100,
  side: "yes",
  contracts: 10,
  requested_contracts: 10,
  requested_price: "0.5500",
  price: "0.5500",
  fills: [{ price: "0.5500", contracts: 10 }],
  cost: "5.5000",
  fee: "0.1800",
  balance_after: "194.3200",
  p_up: 0.61,
  p_side: 0.61,
  edge: 0.042,
  confidence: 0.11,
  strike: "96000.00",
  btc_price: "96050.12",
  market: "synthetic",
};

const settlement: SettlementRecord = {
  type: "settlement",
  trade_id: trade.id,
  t: 1_733_048_101,
  ts: "2024-12-01T10:15:01Z",
  ticker: trade.ticker,
  strike: "96000.00",
  settlement_value: "96012.40",
  result: "yes",
  won: true,
  payout: "10.0000",
  pnl: "4.3200",
  balance_after: "204.3200",
  source: "proxy",
};

let open: DashboardServer[] = [];
afterEach(async () => {
  await Promise.all(open.map((d) => d.close()));
  open = [];
});

async function dashboard(o: Parameters<typeof DashboardServer.open>[0] = {}): Promise<DashboardServer> {
  const d = await DashboardServer.open({ port: 0, ...o });
  open.push(d);
  return d;
}

describe("the dashboard server", () => {
  it("GET / is one self-contained page whose only script the policy allows by its hash", async () => {
    const d = await dashboard();
    expect(d.url).toBe(`http://127.0.0.1:${d.port}/`);
    expect(d.exposed).toBe(false);
    const r = await get(d.port, "/");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    const scripts = [...r.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]!.length).toBeGreaterThan(5000);
    const hash = createHash("sha256").update(scripts[0]!, "utf8").digest("base64");
    const csp = String(r.headers["content-security-policy"]);
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    // Nothing from elsewhere: no external scripts, styles, images or fonts.
    expect(r.body).not.toMatch(/\s(src|href)="(?!data:)/);
    expect(r.body).not.toMatch(/https?:\/\//);
    for (const chart of ["window-price", "forecast", "equity"]) expect(r.body).toContain(`data-chart="${chart}"`);
  });

  it("GET /api/state: starting before a session attaches, then the session's state", async () => {
    const d = await dashboard();
    const before = JSON.parse((await get(d.port, "/api/state")).body) as DashboardState;
    expect(before).toMatchObject({ v: 1, phase: "starting", driver: null, account: null, trades: [] });

    const board = d.attach({ driver: "demo", mode: "paper", series: "KXBTC15M", market: "synthetic" });
    const core = buildCore({ config: parseConfig({}), market: { kind: "synthetic" }, settlement: "proxy", journal: new MemoryJournal(), predictionEverySeconds: 0, listeners: [board.listener] });
    board.follow(core.engine);
    core.engine.handle({ type: "second", second: 1_733_047_800, cents: 9_605_012, carried: false });
    const r = await get(d.port, "/api/state");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("no-store");
    const s = JSON.parse(r.body) as DashboardState;
    expect(s).toMatchObject({ phase: "running", driver: "demo", mode: "paper", series: "KXBTC15M", session: before.session, t: 1_733_047_801 });
    expect(s.price.composite).toBe(96_050.12);
    expect(s.account!.balance).toBe("200.0000");
    expect(s.decision).toMatchObject({ kind: "none", reason: "no_window" });
  });

  it("/events: the state at once and every interval, each trade and settlement as it happens, heartbeats", async () => {
    const d = await dashboard({ intervalMs: 100, heartbeatMs: 150 });
    const board = d.attach({ driver: "demo", mode: "paper", series: "KXBTC15M", market: "synthetic" });
    const es = stream(d.port);
    await es.until(() => es.events.length >= 1, "the first state");
    expect(es.headers()["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(es.events[0]!.event).toBe("state");
    expect(d.streamCount).toBe(1);
    await es.until(() => es.states().length >= 4, "three more states");
    await es.until(() => es.comments.some((c) => c.startsWith("heartbeat ")), "a heartbeat");

    board.listener.onTrade!(trade);
    await es.until(() => es.events.some((e) => e.event === "trade"), "the trade");
    expect(JSON.parse(es.events.find((e) => e.event === "trade")!.data)).toMatchObject({ id: trade.id, side: "yes", contracts: 10, price: "0.5500", status: "open", pnl: null });
    board.listener.onSettlement!(settlement);
    await es.until(() => es.events.some((e) => e.event === "settlement"), "the settlement");
    expect(JSON.parse(es.events.find((e) => e.event === "settlement")!.data)).toMatchObject({ tradeId: trade.id, result: "yes", won: true, pnl: "4.3200" });
    // The next state carries the trade, settled.
    const n = es.states().length;
    await es.until(() => es.states().length > n, "the next state");
    expect(es.states().at(-1)!.trades[0]).toMatchObject({ id: trade.id, status: "won", pnl: "4.3200" });
    es.close();
    await es.until(() => d.streamCount === 0, "the server to forget the closed stream");
  });

  it("close(): the final state and an end event on every stream, then nothing listens", async () => {
    const d = await dashboard();
    d.attach({ driver: "live", mode: "paper", series: "KXBTC15M", market: "kalshi" });
    const a = stream(d.port);
    const b = stream(d.port);
    await a.until(() => a.events.length >= 1 && b.events.length >= 1, "both streams");
    await d.close();
    await a.until(() => a.ended() && b.ended(), "both streams to end");
    for (const s of [a, b]) {
      expect(s.events.slice(-2).map((e) => e.event)).toEqual(["state", "end"]);
      expect(s.states().at(-1)!.phase).toBe("stopped");
    }
    await expect(get(d.port, "/api/state")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("refuses what it does not serve: other paths, other methods, other host names, too many streams", async () => {
    const d = await dashboard({ maxStreams: 2 });
    expect((await get(d.port, "/favicon.ico")).status).toBe(404);
    const post = await get(d.port, "/api/state", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    // A page elsewhere reaching 127.0.0.1 through its own DNS name (rebinding) is refused.
    const rebound = await get(d.port, "/api/state", { host: `attacker.example:${d.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("{");
    expect((await get(d.port, "/api/state", { host: `localhost:${d.port}` })).status).toBe(200);
    const streams = [stream(d.port), stream(d.port)];
    await streams[0]!.until(() => d.streamCount === 2, "two streams");
    const third = await get(d.port, "/events");
    expect(third.status).toBe(503);
    for (const s of streams) s.close();
  });

  it("a fault of its own is reported once and answered with a 500; the stream and the process go on", async () => {
    const d = await dashboard({ intervalMs: 50 });
    const faults: string[] = [];
    d.onError = (m) => faults.push(m);
    let broken = true;
    d.attach({ driver: "live", mode: "paper", series: "KXBTC15M", market: "synthetic", prices: () => {
      if (broken) throw new Error("the index could not be read");
      return null;
    } });
    const es = stream(d.port);
    const r = await get(d.port, "/api/state");
    expect(r.status).toBe(500);
    expect(r.body).toBe("the dashboard could not answer (see the log)\n");
    await new Promise((r) => setTimeout(r, 300));
    expect(faults).toEqual(["dashboard: the index could not be read"]);
    broken = false;
    await es.until(() => es.states().length >= 2, "states once the fault is gone");
    expect(es.states().at(-1)!.driver).toBe("live");
    es.close();
  });

  it("a port in use is one line a user can act on (a UserError: exit 2)", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await DashboardServer.open({ port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(`the dashboard's port ${port} on 127.0.0.1 is in use (another btc15 dashboard?): choose another with --port`);
    } finally {
      blocker.close();
    }
  });

  it("flags: nothing without --dashboard, and --port alone is a mistake; another host warns", async () => {
    expect(await openDashboard({})).toBeNull();
    await expect(openDashboard({ port: 8016 })).rejects.toThrow("--port only applies with --dashboard");
    await expect(openDashboard({ dashboardHost: "0.0.0.0" })).rejects.toThrow("--dashboard-host only applies with --dashboard");
    const d = await openDashboard({ dashboard: true, port: 0 });
    open.push(d!);
    expect(dashboardBanner(d!)).toEqual({ info: `dashboard  http://127.0.0.1:${d!.port}/ (updated every second)`, warning: null });
    expect(dashboardBanner({ url: "http://0.0.0.0:8015/", exposed: true } as DashboardServer).warning).toMatch(/other machines may reach: anyone who can connect sees your positions and P&L/);
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "192.168.1.5", "example.com", "::", ""]) expect(isLoopback(h), h).toBe(false);
  });
});
