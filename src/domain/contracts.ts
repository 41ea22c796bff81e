/**
 * Contract counts. Kalshi's counts are fixed-point with two decimals ("80.40", "669.86"): real
 * books rest fractional sizes. Like money, they are added in whole units (hundredths of a
 * contract) so a depth or a position adds up exactly; a count is kept as the number whose
 * two-decimal text is the exact count.
 */
export const HUNDREDTHS_PER_CONTRACT = 100;

/** A count in hundredths of a contract (an integer). */
export function toHundredths(contracts: number): number {
  return Math.round(contracts * HUNDREDTHS_PER_CONTRACT);
}

export function fromHundredths(hundredths: number): number {
  return hundredths / HUNDREDTHS_PER_CONTRACT;
}

/** a + b, exactly to the hundredth. */
export function addContracts(a: number, b: number): number {
  return fromHundredths(toHundredths(a) + toHundredths(b));
}

/** The exact total of counts. */
export function sumContracts(counts: Iterable<number>): number {
  let h = 0;
  for (const c of counts) h += toHundredths(c);
  return fromHundredths(h);
}
