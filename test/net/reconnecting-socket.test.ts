// The one socket lifecycle against a venue played by a WebSocket server on 127.0.0.1, on a
// simulated clock: every wait (handshake, quiet, backoff, close) is timed exactly.
import { type IncomingHttpHeaders, createServer } from "node:http";
import { type Socket, createServer as createTcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { type ReconnectingSocketHooks, type ReconnectingSocketOptions, ReconnectingSocket } from "../../src/net/reconnecting-socket.ts";
import type { Timer } from "../../src/net/scheduler.ts";
import { SimScheduler } from "../sim/scheduler.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

let sim: SimScheduler;
beforeEach(() => {
  sim = new SimScheduler(Date.parse("2026-11-20T14:03:07.400Z"));
});
const waitFor = (cond: () => boolean, what: string) => sim.until(cond, what, { simMs: 60_000 });

interface Connection {
  readonly ws: WebSocket;
  readonly headers: IncomingHttpHeaders;
  readonly received: string[];
  pings: number;
}

/** A venue: accepts (or refuses with an HTTP status), records what each connection sent, and plays a script per connection. */
class Venue {
  readonly connections: Connection[] = [];
  readonly closeCodes: number[] = [];
  refuseWith: number | null = null;
  /** What the venue does with its n-th connection (0-based). */
  script: (c: Connection, n: number) => void = () => {};
  private constructor(private readonly server: ReturnType<typeof createServer>, private readonly wss: WebSocketServer, readonly url: string) {}

  static async start(): Promise<Venue> {
    const server = createServer();
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const venue = new Venue(server, wss, `ws://127.0.0.1:${(server.address() as AddressInfo).port}/stream`);
    server.on("upgrade", (req, socket, head) => {
      if (venue.refuseWith !== null) {
        socket.end(`HTTP/1.1 ${venue.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const c: Connection = { ws, headers: req.headers, received: [], pings: 0 };
        venue.connections.push(c);
        ws.on("message", (data) => c.received.push(String(data)));
        ws.on("ping", () => c.pings++);
        ws.on("close", (code) => venue.closeCodes.push(code));
        venue.script(c, venue.connections.length - 1);
      });
    });
    cleanup.push(() => venue.close());
    return venue;
  }

  open(): number {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN).length;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/**
 * A lifecycle with short timings and the jitter pinned to the full wait (so waits are exact):
 * it subscribes with "subscribe"; the venue's "good" is good, "garbage" unreadable, anything else alive.
 */
function lifecycle(url: string, over: Partial<ReconnectingSocketOptions> = {}, hooks: Partial<ReconnectingSocketHooks> = {}) {
  const notices: string[] = [];
  let dropped = 0;
  const socket = new ReconnectingSocket(
    { url, handshakeTimeoutMs: 2000, pingIntervalMs: 0, quietTimeoutMs: 5000, backoffBaseMs: 20, backoffMaxMs: 1000, ...over },
    {
      scheduler: sim,
      random: () => 1,
      log: (level, m) => notices.push(`${level} ${m}`),
      onOpen: (send) => send("subscribe"),
      onMessage: (text) => (text === "good" ? "good" : text === "garbage" ? "unreadable" : "alive"),
      onDropped: () => dropped++,
      ...hooks,
    },
  );
  cleanup.push(() => socket.stop());
  const waits = () => notices.map((n) => /reconnecting in (\d+) ms/.exec(n)?.[1]).filter((w) => w !== undefined).map(Number);
  return { socket, notices, waits, dropped: () => dropped };
}

describe("reconnecting socket", () => {
  it("subscribes on every connection, resubscribes after the venue drops it, and counts", async () => {
    const venue = await Venue.start();
    venue.script = (c) => c.ws.send("good");
    const { socket, notices, dropped } = lifecycle(venue.url);
    socket.start();
    await waitFor(() => socket.proven && venue.connections[0]!.received.length === 1, "the first good frame and the subscription");
    expect(socket.phase).toBe("open");
    expect(notices).toContain(`info connected to ${venue.url}`);
    venue.connections[0]!.ws.terminate();
    await waitFor(() => venue.connections.length === 2 && socket.proven && venue.connections[1]!.received.length === 1, "a second, proven, subscribed connection");
    expect(venue.connections.map((c) => c.received)).toEqual([["subscribe"], ["subscribe"]]);
    expect(socket.counters).toEqual({ connects: 2, reconnects: 1, messages: 2 });
    expect(dropped()).toBe(1);
  });

  it("gives up on a handshake that never completes, says so, and waits before retrying", async () => {
    // Accepts TCP, never answers the upgrade.
    const held = new Set<Socket>();
    const mute = createTcpServer((s) => held.add(s));
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
    cleanup.push(() => {
      for (const s of held) s.destroy();
      return new Promise((r) => mute.close(() => r()));
    });
    const { socket, notices } = lifecycle(`ws://127.0.0.1:${(mute.address() as AddressInfo).port}/`, { handshakeTimeoutMs: 150, backoffBaseMs: 5000, backoffMaxMs: 5000 });
    socket.start();
    await waitFor(() => socket.phase === "backoff", "the handshake timeout");
    expect(socket.lastError).toMatch(/handshake has timed out/);
    expect(notices.at(-1)).toMatch(/^info reconnecting in 5000 ms \(.*handshake has timed out\)$/);
    expect(socket.counters.connects).toBe(1);
  });

  it("reports an HTTP refusal as the error and backs off while it lasts, then recovers", async () => {
    const venue = await Venue.start();
    venue.refuseWith = 503;
    venue.script = (c) => c.ws.send("good");
    const { socket, notices, waits } = lifecycle(venue.url);
    socket.start();
    await waitFor(() => waits().length >= 4, "four refused attempts");
    expect(socket.lastError).toBe("HTTP 503 on connect");
    expect(notices).toContain("info reconnecting in 20 ms (HTTP 503 on connect)");
    expect(waits().slice(0, 4)).toEqual([20, 40, 80, 160]);
    venue.refuseWith = null;
    await waitFor(() => socket.proven, "a connection once the venue accepts");
    expect(socket.phase).toBe("open");
  });

  it("terminates a connection that goes quiet (unreadable frames are no sign of life), then reconnects", async () => {
    const venue = await Venue.start();
    let garbage: Timer | null = null;
    venue.script = (c, n) => {
      c.ws.send("good");
      // The first connection then sends only frames that cannot be read.
      if (n === 0) garbage = sim.every(20, () => c.ws.readyState === c.ws.OPEN && c.ws.send("garbage"));
    };
    cleanup.push(async () => garbage?.cancel());
    const { socket, notices } = lifecycle(venue.url, { quietTimeoutMs: 200 });
    socket.start();
    await waitFor(() => venue.connections.length === 2, "the client to give up on the quiet connection and reconnect");
    expect(socket.lastError).toMatch(/^no message for \d+ ms; terminated$/);
    expect(Number(/(\d+) ms/.exec(socket.lastError!)![1])).toBeGreaterThan(200);
    expect(notices.some((n) => /^warn no message for \d+ ms; terminated$/.test(n))).toBe(true);
    expect(notices.some((n) => /^info reconnecting in 20 ms \(no message for \d+ ms; terminated\)$/.test(n))).toBe(true);
    expect(socket.counters.messages).toBeGreaterThan(3);
  });

  it("counts the venue's pings as life only when told to", async () => {
    const venue = await Venue.start();
    const pingers: Timer[] = [];
    venue.script = (c) => pingers.push(sim.every(30, () => c.ws.readyState === c.ws.OPEN && c.ws.ping()));
    cleanup.push(async () => pingers.forEach((p) => p.cancel()));
    const deaf = lifecycle(venue.url, { quietTimeoutMs: 200 });
    const listening = lifecycle(venue.url, { quietTimeoutMs: 200, pingIsLife: true });
    listening.socket.start();
    deaf.socket.start();
    await waitFor(() => deaf.socket.counters.connects >= 3, "the deaf socket to drop the ping-only connection twice");
    expect(listening.socket.counters.connects).toBe(1);
    expect(listening.socket.phase).toBe("open");
  });

  it("does not reset the backoff for error or heartbeat frames, only for the first good frame of a connection", async () => {
    const venue = await Venue.start();
    // Each connection says one thing and is closed by the venue.
    const said = ["error", "error", "error", "good", "heartbeat", "heartbeat"];
    venue.script = (c, n) => {
      c.ws.send(said[n] ?? "heartbeat");
      c.ws.close(1011);
    };
    const { socket, waits } = lifecycle(venue.url);
    socket.start();
    await waitFor(() => waits().length >= 6, "six reconnect waits");
    expect(waits().slice(0, 6)).toEqual([20, 40, 80, 20, 40, 80]);
  });

  it("asks for fresh handshake headers on every attempt, and retries when they cannot be made", async () => {
    const venue = await Venue.start();
    venue.script = (c) => c.ws.send("good");
    let attempt = 0;
    const { socket, notices } = lifecycle(venue.url, {}, {
      headers: () => {
        attempt++;
        if (attempt === 1) throw new Error("no signing key yet");
        return { "x-attempt": String(attempt) };
      },
    });
    socket.start();
    await waitFor(() => socket.proven, "a connection");
    expect(notices).toContain("info reconnecting in 20 ms (no signing key yet)");
    venue.connections[0]!.ws.terminate();
    await waitFor(() => venue.connections.length === 2, "a reconnect");
    expect(venue.connections.map((c) => c.headers["x-attempt"])).toEqual(["2", "3"]);
  });

  it("pings with the keepalive text every ping interval", async () => {
    const venue = await Venue.start();
    const { socket } = lifecycle(venue.url, { pingIntervalMs: 30 }, { keepalive: () => "keepalive" });
    socket.start();
    await waitFor(() => (venue.connections[0]?.pings ?? 0) >= 3, "three pings");
    expect(venue.connections[0]!.received.filter((m) => m === "keepalive").length).toBeGreaterThanOrEqual(2);
  });

  it("says goodbye with a close frame (1000) on stop, and neither reports a drop nor reconnects", async () => {
    const venue = await Venue.start();
    venue.script = (c) => c.ws.send("good");
    const { socket, dropped } = lifecycle(venue.url);
    socket.start();
    await waitFor(() => socket.proven, "a connection");
    await socket.stop();
    expect(socket.phase).toBe("stopped");
    await waitFor(() => venue.closeCodes.length === 1, "the venue to see the close");
    expect(venue.closeCodes).toEqual([1000]);
    await sim.advance(100); // several backoff waits: a reconnect would show
    expect(venue.connections).toHaveLength(1);
    expect(dropped()).toBe(0);
    expect(socket.send("late")).toBe(false);
  });
});
