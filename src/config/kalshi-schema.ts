import { z } from "zod";

/** Kalshi: base URLs, polling, rate limits, live-order limits. (Filled in by the Kalshi work.) */
export const kalshiConfigSchema = z.object({}).strict();
