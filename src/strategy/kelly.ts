import { type Money, UNITS_PER_DOLLAR } from "../domain/money.ts";
import { feePerContractDollars, takerFeeAt } from "../domain/fees.ts";

/**
 * Kelly fraction of the bankroll for a contract that costs `cost` (dollars, fee included) and
 * pays $1 with probability `p`: f* = (p − c) / (1 − c). Zero when there is no edge.
 */
export function kellyFraction(p: number, cost: number): number {
  if (!(cost > 0 && cost < 1) || p <= cost) return 0;
  return (p - cost) / (1 - cost);
}

/** The most whole contracts at `price` whose cost plus the rounded fee fits in `budget`. */
export function contractsWithin(budget: Money, price: Money, feeRate: Money): number {
  if (budget <= 0 || price <= 0) return 0;
  const cost = (n: number) => n * price + takerFeeAt(n, price, feeRate);
  // Start from the unrounded cost per contract; rounding the fee up moves the answer by a step or two.
  let n = Math.floor(budget / (price + feePerContractDollars(price, feeRate) * UNITS_PER_DOLLAR));
  while (n > 0 && cost(n) > budget) n--;
  while (cost(n + 1) <= budget) n++;
  return n;
}
