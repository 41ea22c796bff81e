import { describe, expect, it } from "vitest";
import type { TradeJournalRecord } from "../../src/domain/records.ts";
import { Account } from "../../src/engine/account.ts";
import { Engine } from "../../src/engine/engine.ts";
import { MemoryJournal } from "../../src/engine/journal.ts";
import { SyntheticMarket } from "../../src/engine/synthetic-market.ts";
import { TRADING_CONFIG, randomWalk, second } from "./fixtures.ts";

/** A journal on a disk that can fill up: while full, every write throws and nothing is kept. */
class FillingJournal extends MemoryJournal {
  full = false;
  override append(record: TradeJournalRecord): void {
    if (this.full) throw new Error("cannot write to trades.jsonl: no space left on device (ENOSPC)");
    super.append(record);
  }
}

describe("when the journal cannot be written", () => {
  const prices = randomWalk(1, 30 * 900);

  it("the record does not count, trading stops with one notice, and what is open settles once the disk takes writes again", () => {
    const j = new FillingJournal();
    const errors: string[] = [];
    const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: j, listener: { onJournalError: (err) => errors.push(err.message) } });
    let i = 0;
    // Trade normally until a position is open, then fill the disk.
    while (e.account.positions.size === 0) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    const written = j.records.length;
    const open = [...e.account.positions.values()][0]!;
    const balance = e.account.balance;
    j.full = true;
    // Through the position's close and a few windows more: its settlement cannot be written.
    while (prices[i]!.second < open.windowClose + 3 * 900) {
      const p = prices[i++]!;
      e.handle(second(p.second, p.cents, false));
    }
    expect(errors).toEqual(["cannot write to trades.jsonl: no space left on device (ENOSPC)"]);
    expect(j.records.length).toBe(written);
    expect(e.account.balance).toBe(balance); // nothing counted that is not on disk
    expect(e.account.positions.has(open.id)).toBe(true);
    expect(e.journalPending).toBe(1);
    expect(e.isTrading).toBe(false);
    expect(e.counters.noTrade.stopped).toBeGreaterThan(0);
    expect(e.lastIdle?.decision.detail).toMatch(/journal cannot be written/);
    // Space again: the settlement is written at the next second, and the account follows.
    j.full = false;
    const p = prices[i]!;
    e.handle(second(p.second, p.cents, false));
    expect(e.journalPending).toBe(0);
    expect(j.records.at(-1)).toMatchObject({ type: "settlement", trade_id: open.id });
    expect(e.account.positions.has(open.id)).toBe(false);
    expect(Account.fromRecords(j.records, 0).summary()).toEqual(e.account.summary());
    // No new trade after the failure, even with the disk back: the session stops.
    expect(j.records.filter((r) => r.type === "trade" && r.t > open.windowClose)).toHaveLength(0);
  });

  it("a prediction or window record that cannot be written is counted, never fatal", () => {
    class NoSpace extends MemoryJournal {
      override prediction(): void {
        throw new Error("ENOSPC");
      }
      override window(): void {
        throw new Error("ENOSPC");
      }
    }
    const e = new Engine(TRADING_CONFIG, { market: new SyntheticMarket({ spread: 200, depth: 1000 }), journal: new NoSpace() });
    for (const p of prices.slice(0, 4 * 900)) e.handle(second(p.second, p.cents, false));
    expect(e.counters.recordWriteFailures).toBeGreaterThan(0);
    expect(e.isTrading).toBe(true);
    expect(e.counters.trades).toBeGreaterThan(0);
  });
});
