import { normalCdf, normalPdf } from "../../../model/normal.ts";

/**
 * Maximum-likelihood probit without intercept: P(y = 1) = ε/2 + (1 − ε)·Φ(x·β). The small
 * floor ε (2e-4, so no forecast goes beyond [1e-4, 1 − 1e-4], as in the reported log loss)
 * keeps a handful of surprises late in a window from dominating the fit. Newton's method with
 * step halving; a few parameters, so the Hessian is solved directly.
 */
export const PROBIT_EPS = 2e-4;

export interface ProbitData {
  /** Row-major features, `width` per row. */
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly width: number;
}

export interface ProbitFit {
  readonly beta: number[];
  readonly logLik: number;
  readonly iterations: number;
}

export function probitLogLik(d: ProbitData, beta: readonly number[]): number {
  const { x, y, width } = d;
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    let eta = 0;
    for (let j = 0; j < width; j++) eta += x[i * width + j]! * beta[j]!;
    const p = PROBIT_EPS / 2 + (1 - PROBIT_EPS) * normalCdf(eta);
    ll += Math.log(y[i] ? p : 1 - p);
  }
  return ll;
}

export function fitProbit(d: ProbitData, start: readonly number[]): ProbitFit {
  const k = d.width;
  let beta = [...start];
  let ll = probitLogLik(d, beta);
  let it = 0;
  for (; it < 100; it++) {
    const g = new Array<number>(k).fill(0);
    const h = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < d.y.length; i++) {
      let eta = 0;
      for (let j = 0; j < k; j++) eta += d.x[i * k + j]! * beta[j]!;
      const phi = (1 - PROBIT_EPS) * normalPdf(eta);
      const p = PROBIT_EPS / 2 + (1 - PROBIT_EPS) * normalCdf(eta);
      const s = d.y[i] ? 1 : -1;
      const q = d.y[i] ? p : 1 - p;
      const r = phi / q;
      const gi = s * r;
      const hi = s * (-eta * r) - r * r;
      for (let a = 0; a < k; a++) {
        const xa = d.x[i * k + a]!;
        g[a]! += gi * xa;
        for (let b = 0; b <= a; b++) h[a]![b]! += hi * xa * d.x[i * k + b]!;
      }
    }
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) h[a]![b] = h[b]![a]!;
    // Newton direction: solve (−H) δ = g; fall back to the gradient when −H is not positive definite.
    let step = solve(h.map((row) => row.map((v) => -v)), g) ?? g.map((v) => v * 1e-6);
    let improved = false;
    for (let half = 0; half < 30; half++) {
      const next = beta.map((b, j) => b + step[j]!);
      const nll = probitLogLik(d, next);
      if (nll >= ll) {
        const done = nll - ll < 1e-9 * Math.max(1, Math.abs(ll));
        beta = next;
        ll = nll;
        improved = !done;
        break;
      }
      step = step.map((v) => v / 2);
    }
    if (!improved) break;
  }
  return { beta, logLik: ll, iterations: it };
}

/** Gaussian elimination with partial pivoting; null when singular or not positive definite. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-12) return null;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * x[j]!;
    x[r] = s / m[r]![r]!;
  }
  // Positive definiteness of −H is needed for an ascent direction: check δ·g > 0.
  return x.reduce((s, v, i) => s + v * b[i]!, 0) > 0 ? x : null;
}
