import { bestAsk } from "../domain/quote.ts";
import { UNITS_PER_DOLLAR } from "../domain/money.ts";
import { seededRandom } from "../domain/random.ts";
import type { Side } from "../domain/settlement.ts";
import { WINDOW_SECONDS } from "../domain/window.ts";
import type { Decision } from "./decision.ts";
import { type Declined, type StrategyParams } from "./edge-strategy.ts";
import { contractsWithin } from "./kelly.ts";
import type { Strategy, StrategyInput } from "./strategy.ts";

const NOT_YET = "a coin flip buys once a window, at a random second: not yet";
const PASSED = "this window's random second passed without a quote: no coin flip in it";
/** Seconds after its drawn second that a coin flip may still buy (the first quote after it). */
const LATE = 60;

/**
 * The baseline that trades without knowing anything: once a window, at a second drawn at random
 * (or the first quoted one within a minute after it), it buys a side drawn at random, the most the
 * position limit allows at the best ask. What it
 * loses is what the spread and the fee cost a trader with no information; a strategy that does
 * no better has shown nothing. The draws are seeded by the window's close, so every run of the
 * same windows flips the same coins.
 */
export class CoinFlipStrategy implements Strategy {
  readonly name = "coin_flip";
  private drawnFor = -1;
  private side: Side = "yes";
  /** Buy once this many seconds or fewer are left. */
  private atSecondsLeft = 0;

  constructor(
    private readonly params: StrategyParams,
    private readonly seed = 1,
  ) {}

  decide(input: StrategyInput, no: Declined): Decision {
    const p = this.params;
    if (input.close !== this.drawnFor) this.draw(input.close);
    if (input.entriesThisWindow >= p.maxEntriesPerWindow) return no.set("already_positioned", null, null, null, 0, input.entriesThisWindow, p.maxEntriesPerWindow);
    if (input.secondsLeft < p.minSecondsLeft) return no.set("too_late", null, null, null, 0, input.secondsLeft, p.minSecondsLeft);
    if (input.secondsLeft > this.atSecondsLeft) return no.set("no_signal", NOT_YET, null, null, 0);
    // A window joined (or first quoted) well after its second is skipped, not flipped at its end.
    if (input.secondsLeft <= this.atSecondsLeft - LATE) return no.set("no_signal", PASSED, null, null, 0);
    const q = input.quote;
    const price = q === null ? null : bestAsk(q, this.side);
    if (price === null || price <= 0 || price >= UNITS_PER_DOLLAR) return no.set("no_quote", `nothing offered on ${this.side.toUpperCase()}`, null, null, 0);
    const budget = Math.min(p.maxPosition, input.balance);
    const contracts = contractsWithin(budget, price, p.feeRate);
    if (contracts < 1) return no.set("size_zero", null, null, null, 0, budget, price, this.side);
    const edge = 0.5 - price / UNITS_PER_DOLLAR;
    return {
      kind: "trade",
      side: this.side,
      contracts,
      price,
      // A taker at the touch: the best ask and nothing dearer.
      limitPrice: price,
      budget,
      pSide: 0.5,
      edge,
      confidence: 0,
      edges: { yes: this.side === "yes" ? edge : null, no: this.side === "no" ? edge : null },
    };
  }

  private draw(close: number): void {
    const random = seededRandom((close ^ Math.imul(this.seed, 0x9e3779b1)) >>> 0);
    this.drawnFor = close;
    this.side = random() < 0.5 ? "yes" : "no";
    const first = Math.max(this.params.minSecondsLeft, 60);
    this.atSecondsLeft = first + Math.floor(random() * Math.max(1, WINDOW_SECONDS - 60 - first));
  }
}
