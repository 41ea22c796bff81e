import { z } from "zod";

/** Live price feeds: sources, order, mode, staleness, URLs. (Filled in by the feeds work.) */
export const feedsConfigSchema = z.object({}).strict();
