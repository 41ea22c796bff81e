import { type Money, UNITS_PER_DOLLAR, assertMoney } from "./money.ts";

/** One level of a fill: contracts bought at one price. */
export interface FillLevel {
  readonly price: Money;
  readonly contracts: number;
}

/** What an order bought: one side, level by level, its cost before the fee, and the fee. */
export interface Fill {
  readonly side: "yes" | "no";
  readonly contracts: number;
  readonly levels: readonly FillLevel[];
  /** Sum of price × contracts over the levels, before fee. */
  readonly cost: Money;
  readonly fee: Money;
}

const UNITS = BigInt(UNITS_PER_DOLLAR);
const CENT_DIVISOR = UNITS * UNITS * UNITS / 100n; // rate·C·p·(1−p) in units³ → cents

/**
 * Kalshi's taker fee for one order: round up to the cent of rate × Σ C·P·(1 − P), with P in
 * dollars. `rate` is in units (0.07 → 700). Computed with integers, so it is exact.
 */
export function takerFee(levels: readonly FillLevel[], rate: Money): Money {
  let sum = 0n;
  for (const { price, contracts } of levels) {
    if (!Number.isInteger(contracts) || contracts < 0) throw new RangeError(`contracts must be a whole number ≥ 0: ${contracts}`);
    if (!Number.isInteger(price) || price < 0 || price > UNITS_PER_DOLLAR) throw new RangeError(`price out of range: ${price}`);
    sum += BigInt(contracts) * BigInt(price) * BigInt(UNITS_PER_DOLLAR - price);
  }
  const num = BigInt(rate) * sum;
  const cents = (num + CENT_DIVISOR - 1n) / CENT_DIVISOR;
  return assertMoney(Number(cents) * 100, "fee");
}

/** The fee for `contracts` at one price. */
export function takerFeeAt(contracts: number, price: Money, rate: Money): Money {
  return takerFee([{ price, contracts }], rate);
}

/**
 * The fee per contract before rounding, in dollars: rate × P × (1 − P). Used to judge edge
 * before the size (and so the rounding) is known; never used to move money.
 */
export function feePerContractDollars(price: Money, rate: Money): number {
  const p = price / UNITS_PER_DOLLAR;
  return (rate / UNITS_PER_DOLLAR) * p * (1 - p);
}
