import { Backoff } from "../net/backoff.ts";
import { type Scheduler, sleep as sleepOn, systemScheduler } from "../net/scheduler.ts";
import { type Clock, systemClock } from "./clock.ts";
import { TokenBucket } from "./rate-limit.ts";
import { type SigningKey, signRequest } from "./signing.ts";

export interface KalshiClientOptions {
  /** REST base, with its /trade-api/v2 path: production, demo or a local test server. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Retries after the first try, on 429, 5xx, timeouts and network errors (reads only). */
  readonly maxRetries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly readTokensPerSecond: number;
  readonly writeTokensPerSecond: number;
  readonly tokensPerRequest: number;
  /** Present only with credentials; requests that need it fail without it. */
  readonly key?: SigningKey;
  /** For signature timestamps. */
  readonly clock?: Clock;
  /** For request pacing: real time unless a test scripts it. */
  readonly pacingClock?: Clock;
  /** In [0, 1): the jitter of the backoff. */
  readonly random?: () => number;
  readonly wait?: (ms: number) => Promise<void>;
  /** Timers (request timeouts, retry waits, pacing) and, unless given apart, the clocks; default the wall clock. */
  readonly scheduler?: Scheduler;
}

/** A request that failed for good; its message names the method, path and cause, never a secret. */
export class KalshiRequestError extends Error {
  override name = "KalshiRequestError";
  constructor(
    message: string,
    /** HTTP status, or 0 for a timeout or network failure. */
    readonly status: number,
    /** Kalshi's error code (top-level `code`, or `error.code`), when the reply had one. */
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export interface KalshiClientCounters {
  requests: number;
  retries: number;
  rateLimited: number;
  serverErrors: number;
  timeouts: number;
  networkErrors: number;
  failures: number;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** Sign the request (portfolio endpoints). */
  readonly auth?: boolean;
  /**
   * Which failures to retry: "all" (reads), "throttle" (only 429, which Kalshi never executes:
   * used for orders, so a timed-out order is never sent twice), or "none".
   */
  readonly retry?: "all" | "throttle" | "none";
}

/**
 * Kalshi's REST API: paced by token buckets (read and write apart), a timeout on every request,
 * exponential backoff with jitter on 429 (sent without Retry-After) and 5xx, and signed headers
 * for portfolio endpoints. Replies are returned as parsed JSON, read by wire.ts.
 */
export class KalshiClient {
  readonly counters: KalshiClientCounters = { requests: 0, retries: 0, rateLimited: 0, serverErrors: 0, timeouts: 0, networkErrors: 0, failures: 0 };
  readonly baseUrl: string;
  private readonly basePath: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly read: TokenBucket;
  private readonly write: TokenBucket;
  private readonly closing = new AbortController();
  private readonly scheduler: Scheduler;

  constructor(private readonly opts: KalshiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.basePath = new URL(this.baseUrl).pathname.replace(/\/+$/, "");
    this.scheduler = opts.scheduler ?? systemScheduler;
    this.clock = opts.clock ?? opts.scheduler ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.wait = opts.wait ?? ((ms) => sleepOn(this.scheduler, ms, this.closing.signal));
    const pacing = opts.pacingClock ?? opts.scheduler ?? systemClock;
    this.read = new TokenBucket(opts.readTokensPerSecond, pacing, this.wait);
    this.write = new TokenBucket(opts.writeTokensPerSecond, pacing, this.wait);
  }

  get hasKey(): boolean {
    return this.opts.key !== undefined;
  }

  /** Signed headers for the WebSocket handshake (GET on the socket's own path). */
  socketHeaders(socketPath: string): Record<string, string> {
    if (!this.opts.key) throw new KalshiRequestError("the Kalshi WebSocket needs an API key", 0);
    return signRequest(this.opts.key, "GET", socketPath, this.clock.now());
  }

  /** Aborts waits and requests in flight (shutdown). */
  close(): void {
    this.closing.abort();
  }

  get(path: string, o: Omit<RequestOptions, "body"> = {}): Promise<unknown> {
    return this.request("GET", path, o);
  }

  async request(method: "GET" | "POST" | "DELETE", path: string, o: RequestOptions = {}): Promise<unknown> {
    const retry = o.retry ?? (method === "GET" ? "all" : "throttle");
    const what = `${method} ${path}`;
    if (o.auth && !this.opts.key) throw new KalshiRequestError(`${what} needs a Kalshi API key`, 401);
    let backoff: Backoff | null = null;
    for (let attempt = 0; ; attempt++) {
      if (this.closing.signal.aborted) throw new KalshiRequestError(`${what}: client closed`, 0);
      if (!(await (method === "GET" ? this.read : this.write).take(this.opts.tokensPerRequest, this.closing.signal))) throw new KalshiRequestError(`${what}: client closed`, 0);
      const outcome = await this.once(method, path, o);
      if (outcome.ok) return outcome.json;
      const retryable = retry === "all" ? outcome.transient : retry === "throttle" ? outcome.error.status === 429 : false;
      if (!retryable || attempt >= this.opts.maxRetries) {
        this.counters.failures++;
        throw outcome.error;
      }
      this.counters.retries++;
      backoff ??= new Backoff(this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.random);
      await this.wait(backoff.next());
    }
  }

  private async once(method: string, path: string, o: RequestOptions): Promise<{ ok: true; json: unknown } | { ok: false; transient: boolean; error: KalshiRequestError }> {
    const what = `${method} ${path}`;
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json" };
    if (o.body !== undefined) headers["content-type"] = "application/json";
    if (o.auth && this.opts.key) Object.assign(headers, signRequest(this.opts.key, method, this.basePath + path, this.clock.now()));
    const controller = new AbortController();
    const onClose = () => controller.abort();
    this.closing.signal.addEventListener("abort", onClose, { once: true });
    const timer = this.scheduler.after(this.opts.timeoutMs, () => controller.abort());
    this.counters.requests++;
    try {
      const res = await fetch(url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: controller.signal });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text === "" ? null : JSON.parse(text);
      } catch {
        if (res.ok) return { ok: false, transient: true, error: new KalshiRequestError(`${what}: reply is not JSON`, res.status) };
      }
      if (res.ok) return { ok: true, json };
      const { code, message } = kalshiError(json);
      if (res.status === 429) this.counters.rateLimited++;
      if (res.status >= 500) this.counters.serverErrors++;
      const transient = res.status === 429 || res.status >= 500;
      const why = code === null ? "" : ` (${code}${message && message !== code ? `: ${message}` : ""})`;
      return { ok: false, transient, error: new KalshiRequestError(`${what}: HTTP ${res.status}${why}`, res.status, code) };
    } catch (e) {
      const timedOut = controller.signal.aborted && !this.closing.signal.aborted;
      if (timedOut) this.counters.timeouts++;
      else this.counters.networkErrors++;
      const cause = timedOut ? `no reply within ${this.opts.timeoutMs} ms` : networkCause(e);
      return { ok: false, transient: !this.closing.signal.aborted, error: new KalshiRequestError(`${what}: ${cause}`, 0) };
    } finally {
      timer.cancel();
      this.closing.signal.removeEventListener("abort", onClose);
    }
  }
}

/** What a Kalshi error body says: its code and message, each null when absent. */
export interface KalshiError {
  readonly code: string | null;
  readonly message: string | null;
}

const wordOf = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : null);

/**
 * Kalshi's error bodies: `{code, message, details}` (every error since the 2026-08 changelog),
 * `{error: {code, message}}` (older replies, the retired V1 order endpoint), or
 * `{error: "too many requests"}` (a 429). The top-level `code` wins when both are present.
 */
export function kalshiError(json: unknown): KalshiError {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { code: null, message: null };
  const o = json as Record<string, unknown>;
  const e = o.error;
  const inner = e !== null && typeof e === "object" && !Array.isArray(e) ? (e as Record<string, unknown>) : null;
  const code = wordOf(o.code) ?? wordOf(inner?.code) ?? wordOf(e);
  const message = wordOf(o.message) ?? wordOf(inner?.message) ?? null;
  return { code, message };
}

function networkCause(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? "network error";
}
