/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Proportion {
  readonly hits: number;
  readonly n: number;
  readonly rate: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * A proportion with its Wilson score interval: unlike rate ± z·se it stays inside [0, 1] and
 * does not collapse to a point at 0 or n hits, which matters for the small counts of a session.
 * Null with no trials.
 */
export function wilson(hits: number, n: number, z = Z95): Proportion | null {
  if (n <= 0) return null;
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return { hits, n, rate: p, lo: Math.max(0, (centre - half) / d), hi: Math.min(1, (centre + half) / d) };
}
