/**
 * Standard normal distribution. The CDF uses the Chebyshev fit of erfc from Numerical Recipes
 * (fractional error below 1.2e-7 everywhere), accurate enough for log loss far into the tails.
 */
/** P(Z ≤ z): erfc(−z/√2)/2, written out so that it compiles into its caller. */
export function normalCdf(z: number): number {
  const x = -z * Math.SQRT1_2;
  const a = x < 0 ? -x : x;
  const t = 1 / (1 + 0.5 * a);
  const r =
    t *
    Math.exp(
      -a * a -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * (x >= 0 ? r : 2 - r);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}
