import type { KalshiClient } from "./client.ts";
import { type KalshiPortfolio, type KalshiPosition, parseBalance, parsePositions } from "./wire.ts";

/**
 * The account as Kalshi holds it: balance and every open market position (all pages). Read on
 * start, before any live order, so limits start from the truth rather than from our journal.
 */
export async function fetchPortfolio(client: KalshiClient): Promise<KalshiPortfolio> {
  const { balance, shards } = parseBalance(await client.get("/portfolio/balance", { auth: true }));
  const positions: KalshiPosition[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const reply = parsePositions(await client.get("/portfolio/positions", { auth: true, query: { limit: 1000, cursor: cursor ?? undefined } }));
    positions.push(...reply.positions.filter((p) => p.contracts !== 0));
    cursor = reply.cursor;
    if (cursor === null) break;
  }
  return { balance, shards, positions };
}
