import { KalshiClient, type KalshiClientOptions } from "../../src/kalshi/client.ts";
import type { Clock } from "../../src/kalshi/clock.ts";

/** A clock the test moves by hand (ms). */
export class ScriptedClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

/** A client with short waits, for a fake server on 127.0.0.1. */
export function testClient(baseUrl: string, o: Partial<KalshiClientOptions> = {}): KalshiClient {
  return new KalshiClient({
    baseUrl,
    timeoutMs: 5_000,
    maxRetries: 3,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    readTokensPerSecond: 1_000_000,
    writeTokensPerSecond: 1_000_000,
    tokensPerRequest: 10,
    ...o,
  });
}

/** Waits until `predicate` holds, checking every few ms, failing after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
