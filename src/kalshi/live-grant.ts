/**
 * Proof that the three gates of live trading were passed: `--mode live`, an API key, and an
 * explicit confirmation. A LiveBroker cannot be built without one, and only grantLiveTrading makes one.
 */
export class LiveTradingGrant {
  static #issuing = false;

  constructor() {
    if (!LiveTradingGrant.#issuing) throw new Error("a live-trading grant comes only from grantLiveTrading()");
  }

  /** Never shows anything useful in logs. */
  toJSON(): string {
    return "[live trading granted]";
  }

  /** @internal */
  static issue(): LiveTradingGrant {
    LiveTradingGrant.#issuing = true;
    try {
      return new LiveTradingGrant();
    } finally {
      LiveTradingGrant.#issuing = false;
    }
  }
}

export interface LiveGates {
  readonly mode: string;
  readonly hasKey: boolean;
  readonly confirmed: boolean;
  /** The variables that name the key, for the message ("KALSHI_DEMO_API_KEY_ID and KALSHI_DEMO_PRIVATE_KEY_PATH" on demo). */
  readonly keyVariables?: string;
}

/** The gates not passed, in words a user can act on; empty when all three are. */
export function missingGates(g: LiveGates): string[] {
  const missing: string[] = [];
  if (g.mode !== "live") missing.push("--mode live was not given");
  if (!g.hasKey) missing.push(`no Kalshi API key (set ${g.keyVariables ?? "KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH"})`);
  if (!g.confirmed) missing.push("live trading was not confirmed (answer the prompt, or pass --confirm-live)");
  return missing;
}

export class LiveGateError extends Error {
  override name = "LiveGateError";
}

/** The grant, or an error naming every missing gate. */
export function grantLiveTrading(g: LiveGates): LiveTradingGrant {
  const missing = missingGates(g);
  if (missing.length > 0) throw new LiveGateError(`live orders refused: ${missing.join("; ")}`);
  return LiveTradingGrant.issue();
}
