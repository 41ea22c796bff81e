import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { marketBaseline } from "../../src/app/research/market-baseline.ts";

describe("market-price baseline", () => {
  it("scores the last YES price before each checkpoint against the result", () => {
    const dir = mkdtempSync(join(tmpdir(), "btc15-mb-"));
    const prices = join(dir, "p.csv");
    const markets = join(dir, "m.csv");
    const close = 1_777_315_500;
    // Up market: 0.60 from the open, 0.90 in its last five minutes; a quiet minute in between carries the price.
    const rows = ["ticker,minute_ts,open,high,low,close,contracts,n_trades"];
    for (let k = 0; k < 15; k++) if (k !== 7) rows.push(`A,${close - 900 + 60 * k},0.5,1,0,${k >= 10 ? 0.9 : 0.6},1,1`);
    rows.push(`B,${close - 900},0.5,1,0,0.3,1,1`, "B,notatime,1,1,1,1,1,1");
    writeFileSync(prices, rows.join("\n") + "\n");
    writeFileSync(markets, ["ticker,open_ts,close_ts,n_trades,contracts,first_trade_ts,first_yes_price,last_trade_ts,last_yes_price,vwap_yes_price,inferred_result", `A,${close - 900},${close},1,1,1,1,1,1,1,yes`, `B,${close - 900},${close},1,1,1,1,1,1,1,no`, `C,${close - 900},${close},1,1,1,1,1,1,1,unclear`].join("\n") + "\n");
    const r = marketBaseline(prices, markets);
    expect(r.markets).toBe(2);
    expect(r.skipped).toEqual({ "bad price row": 1, "result not known (unclear)": 1 });
    // A at 10 min before the close: the bar ending at close − 600 is k = 4 → 0.6; at 2 min: 0.9. B: always 0.3, down.
    expect(r.market.brier_by_minutes_to_close["10"]).toBeCloseTo(((1 - 0.6) ** 2 + 0.3 ** 2) / 2, 12);
    expect(r.market.brier_by_minutes_to_close["2"]).toBeCloseTo(((1 - 0.9) ** 2 + 0.3 ** 2) / 2, 12);
    expect(r.coinFlip.brier).toBe(0.25);
  });
});
