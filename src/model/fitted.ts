// Placeholder until `npm run fit` writes the fitted values.
import type { ModelParams } from "./params.ts";

export const FITTED_MODEL: ModelParams = {
  volatility: { halfLifeSeconds: 3600, scale: 1, floorAnnualized: 0.05 },
  momentum: { weight: 0, lookbackSeconds: 300 },
  meanReversion: { weight: 0, halfLifeSeconds: 900 },
  warmupSeconds: 1800,
};
