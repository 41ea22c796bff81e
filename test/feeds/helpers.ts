import { deepMerge } from "../../src/config/load.ts";
import { feedsConfigSchema, type FeedsConfig } from "../../src/config/feeds-schema.ts";
import type { FakeFeedsConfig } from "../fakes/exchanges.ts";

/** Waits until `cond()` holds, checking every 10 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** A validated feeds configuration: the fakes' URLs and short timings, then `over`. */
export function feedsConfig(fakes: FakeFeedsConfig | null, over: DeepPartial<FeedsConfig> = {}): FeedsConfig {
  const base = (fakes ?? {}) as unknown as Record<string, unknown>;
  return feedsConfigSchema.parse(deepMerge(base, over as Record<string, unknown>));
}

/** A collecting logger, so tests can check what was said. */
export function logLines(): { lines: string[]; log: (level: string, msg: string) => void } {
  const lines: string[] = [];
  return { lines, log: (level, msg) => lines.push(`${level} ${msg}`) };
}
