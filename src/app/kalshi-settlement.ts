import type { AppConfig } from "../config/schema.ts";
import type { Window } from "../domain/window.ts";
import type { Engine } from "../engine/engine.ts";
import type { KalshiClient } from "../kalshi/client.ts";
import type { Clock } from "../kalshi/clock.ts";
import { type OfficialResult, ResultWatcher } from "../kalshi/results.ts";

export interface OfficialSettlementDeps {
  /** An engine in settlement mode "official". */
  readonly engine: Engine;
  readonly client: KalshiClient;
  readonly config: AppConfig;
  readonly clock: Clock;
  readonly log?: (line: string) => void;
}

export interface OfficialSettlement {
  readonly watcher: ResultWatcher;
  /** Call from the engine's onWindowClosed: wait for this window's official result. */
  watchWindow(w: Window): void;
  /** On start: wait for the result of every window still holding a position (after a restart). */
  watchOpenPositions(): void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Official results feed the engine: each closed window is watched until Kalshi's result
 * arrives, then engine.settle() settles its positions (pending until then), compares with our
 * proxy settlement and counts disagreements. A line per result for the console and log shows
 * Kalshi's settlement value and strike beside ours.
 */
export function officialSettlement(d: OfficialSettlementDeps): OfficialSettlement {
  const k = d.config.kalshi;
  const onResult = (r: OfficialResult) => {
    const proxy = d.engine.proxySettlement(r.close);
    d.engine.settle(r.close, r.result, r.settlementCents, Math.floor(d.clock.now() / 1000), "kalshi");
    d.log?.(resultLine(r, proxy));
  };
  const watcher = new ResultWatcher(d.client, {
    clock: d.clock,
    pollMs: k.resultPollMs,
    giveUpMs: k.resultGiveUpMs,
    onResult,
    onGiveUp: (ticker) => d.log?.(`kalshi: no official result for ${ticker} after ${Math.round(k.resultGiveUpMs / 60_000)} min; its positions stay pending`),
    ...(d.log ? { onError: d.log } : {}),
  });
  return {
    watcher,
    watchWindow: (w) => watcher.watch(w.ticker, w.close),
    watchOpenPositions() {
      for (const p of d.engine.account.positions.values()) watcher.watch(p.ticker, p.windowClose);
    },
    start: () => watcher.start(),
    stop: () => watcher.stop(),
  };
}

function cents(c: number | null): string {
  return c === null ? "?" : (c / 100).toFixed(2);
}

/** "KXBTC15M-…: Kalshi NO at 64809.04 (strike 64839.26); ours NO at 64809.10 — agree". */
export function resultLine(r: OfficialResult, proxy: { cents: number | null; result: string | null } | undefined): string {
  const kalshi = `Kalshi ${r.result.toUpperCase()} at ${cents(r.settlementCents)} (strike ${cents(r.strikeCents)})`;
  if (proxy === undefined || proxy.result === null) return `${r.ticker}: ${kalshi}; no proxy settlement to compare`;
  const verdict = proxy.result === r.result ? "agree" : "DISAGREE";
  return `${r.ticker}: ${kalshi}; ours ${proxy.result.toUpperCase()} at ${cents(proxy.cents)}: ${verdict}`;
}
