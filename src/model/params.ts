/** The forecaster's parameters. Defaults come from `fitted.ts`, written by `npm run fit`. */
export interface ModelParams {
  readonly volatility: {
    /** Half-life of the EWMA of squared 60-s returns, seconds. */
    readonly halfLifeSeconds: number;
    /** Multiplier on the estimated volatility (fitted: >1 widens, <1 sharpens the fair value). */
    readonly scale: number;
    /** Lowest volatility used, annualised (e.g. 0.05 = 5 %), so a flat tape never gives certainty. */
    readonly floorAnnualized: number;
  };
  readonly momentum: {
    /** Shift of the z-score per unit of standardised recent return; 0 turns the term off. */
    readonly weight: number;
    readonly lookbackSeconds: number;
  };
  readonly meanReversion: {
    /** Shift of the z-score per unit of standardised distance from the price's EMA (applied with a minus sign); 0 turns it off. */
    readonly weight: number;
    readonly halfLifeSeconds: number;
  };
  /** Seconds of history needed before the first forecast. */
  readonly warmupSeconds: number;
}

export const SECONDS_PER_YEAR = 365 * 24 * 3600;
