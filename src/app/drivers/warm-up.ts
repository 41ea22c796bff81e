import type { TradingSession } from "./session.ts";

/**
 * The one warm-up rule of every driver that starts mid-stream (live, demo): history replayed at
 * start-up only fills the buffers (volatility, the 60-s averages, the strike): no trade and no
 * prediction until it is done, and `ready` is printed after. Windows that close during it still
 * settle, so positions from before a restart are settled.
 */
export function warmUp(session: TradingSession, replay: () => void): void {
  session.feed({ type: "warm_up", on: true });
  try {
    replay();
  } finally {
    session.feed({ type: "warm_up", on: false });
  }
}
