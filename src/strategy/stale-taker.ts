import { bestAsk } from "../domain/quote.ts";
import type { Decision } from "./decision.ts";
import { type Declined, type StrategyParams, decide } from "./edge-strategy.ts";
import type { Strategy, StrategyInput } from "./strategy.ts";

export interface StaleTakerParams {
  /**
   * Trade only when the book's best prices have not changed for at least this many seconds
   * while spot moved: N, from the lag measurement (`btc15 research lag`).
   */
  readonly bookAgeSeconds: number;
  /** The move that counts: the fair value changed by at least this much (probability) since the book last changed. */
  readonly minMove: number;
}

/**
 * A taker that waits for staleness: the edge rule, but only while the book is older than N
 * seconds relative to a spot move (its best prices unchanged for N s or more, and the fair value
 * moved by `minMove` or more since they last changed). If Kalshi trails spot, its book is most
 * wrong just then. It watches the book only at the seconds it is asked, as it would live.
 */
export class StaleBookTaker implements Strategy {
  readonly name = "stale_taker";
  private close = -1;
  private yesBid: number | null = null;
  private yesAsk: number | null = null;
  /** When the best prices last changed (unix s), and the fair value then. */
  private since = 0;
  private fairValueThen = 0.5;
  private readonly notStale: string;

  constructor(
    private readonly params: StrategyParams,
    readonly stale: StaleTakerParams,
  ) {
    this.notStale = `the book is not stale: its prices changed in the last ${stale.bookAgeSeconds} s, or the fair value has moved less than ${(stale.minMove * 100).toFixed(1)} points since`;
  }

  decide(input: StrategyInput, no: Declined): Decision {
    const q = input.quote;
    if (q === null) return decide(input, this.params, no);
    const bid = q.yes.bid;
    const ask = bestAsk(q, "yes");
    if (input.close !== this.close || bid !== this.yesBid || ask !== this.yesAsk) {
      this.close = input.close;
      this.yesBid = bid;
      this.yesAsk = ask;
      this.since = input.t;
      this.fairValueThen = input.fairValue;
    }
    const moved = Math.abs(input.fairValue - this.fairValueThen);
    if (input.t - this.since < this.stale.bookAgeSeconds || moved < this.stale.minMove) {
      return no.set("no_signal", this.notStale, null, null, Math.abs(input.pUp - 0.5), input.t - this.since, this.stale.bookAgeSeconds);
    }
    return decide(input, this.params, no);
  }
}
