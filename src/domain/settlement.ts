/**
 * Strike and settlement. Both are the simple average of the 60 one-second index values before a
 * boundary (the open for the strike, the close for the settlement value), rounded to cents.
 * YES ("up") if and only if settlement ≥ strike: a tie is YES. Prices here are integer cents.
 */
export type Side = "yes" | "no";


/**
 * Rounds the average of integer-cent prices (given as their sum and count) to the nearest cent,
 * halves up. Kalshi does not document the tie-break; halves up is our choice.
 */
export function averageCents(sumCents: number, count: number): number {
  if (count <= 0) throw new RangeError("average of no prices");
  return Math.floor((2 * sumCents + count) / (2 * count));
}

export function resultOf(settlementCents: number, strikeCents: number): Side {
  return settlementCents >= strikeCents ? "yes" : "no";
}
