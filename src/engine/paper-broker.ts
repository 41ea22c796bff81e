import { type Fill, type FillLevel, takerFee } from "../domain/fees.ts";
import type { Money } from "../domain/money.ts";
import type { Quote } from "../domain/quote.ts";
import type { OrderIntent } from "../strategy/decision.ts";

export type { Fill };

/**
 * Paper execution: buys `intent.contracts` by walking the quoted asks level by level, best
 * first, at the prices shown, never above the intent's limit price or its budget (fee
 * included). A partial fill when depth runs out; null when nothing can be bought.
 */
export function paperFill(intent: OrderIntent, quote: Quote, feeRate: Money): Fill | null {
  const levels: FillLevel[] = [];
  let remaining = intent.contracts;
  let cost = 0;
  for (const level of quote[intent.side].asks) {
    if (remaining <= 0 || level.price > intent.limitPrice) break;
    let take = Math.min(remaining, Math.floor(level.size));
    if (take <= 0) continue;
    // Shrink this level's take until cost plus fee stays within the budget.
    while (take > 0 && cost + take * level.price + takerFee([...levels, { price: level.price, contracts: take }], feeRate) > intent.budget) take--;
    if (take === 0) break;
    levels.push({ price: level.price, contracts: take });
    cost += take * level.price;
    remaining -= take;
  }
  if (levels.length === 0) return null;
  const contracts = intent.contracts - remaining;
  return { side: intent.side, contracts, levels, cost, fee: takerFee(levels, feeRate) };
}
