import { describe, expect, it } from "vitest";
import { TickerError, WINDOW_SECONDS, easternTime, parseTicker, tickerForClose, windowAt } from "../../src/domain/window.ts";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("window schedule", () => {
  it("opens at :00/:15/:30/:45 UTC and lasts 15 minutes", () => {
    const w = windowAt(at("2026-04-27T18:37:12Z"));
    expect(w.open).toBe(at("2026-04-27T18:30:00Z"));
    expect(w.close).toBe(at("2026-04-27T18:45:00Z"));
    expect(windowAt(at("2026-04-27T18:45:00Z")).open).toBe(at("2026-04-27T18:45:00Z")); // the close belongs to the next window
    expect(windowAt(at("2026-04-27T18:44:59Z")).close).toBe(at("2026-04-27T18:45:00Z"));
  });

  it("names the window by its close in US Eastern time", () => {
    expect(windowAt(at("2026-04-27T18:30:00Z")).ticker).toBe("KXBTC15M-26APR271445-45"); // EDT
    expect(tickerForClose(at("2026-07-24T00:45:00Z"))).toBe("KXBTC15M-26JUL232045-45"); // Kalshi fixture: previous Eastern day
    expect(tickerForClose(at("2026-02-02T02:00:00Z"))).toBe("KXBTC15M-26FEB012100-00"); // EST
    expect(tickerForClose(at("2026-02-02T02:00:00Z"), "KXETH15M")).toBe("KXETH15M-26FEB012100-00");
    expect(() => tickerForClose(at("2026-02-02T02:07:00Z"))).toThrow(RangeError);
  });

  it("jumps from 01:45 EST to 03:00 EDT when daylight saving starts (2026-03-08)", () => {
    expect(tickerForClose(at("2026-03-08T06:45:00Z"))).toBe("KXBTC15M-26MAR080145-45");
    expect(tickerForClose(at("2026-03-08T07:00:00Z"))).toBe("KXBTC15M-26MAR080300-00");
    const that = [];
    for (let close = at("2026-03-08T04:00:00Z"); close <= at("2026-03-08T10:00:00Z"); close += WINDOW_SECONDS) that.push(tickerForClose(close));
    expect(that.filter((t) => /-26MAR0802\d\d-/.test(t))).toEqual([]); // 02:xx does not exist that night
    expect(() => parseTicker("KXBTC15M-26MAR080215-15")).toThrow(TickerError);
  });

  it("repeats 01:xx when daylight saving ends (2026-11-01); parsing returns both closes", () => {
    const edt = at("2026-11-01T05:15:00Z"); // 01:15 EDT
    const est = at("2026-11-01T06:15:00Z"); // 01:15 EST
    expect(tickerForClose(edt)).toBe("KXBTC15M-26NOV010115-15");
    expect(tickerForClose(est)).toBe("KXBTC15M-26NOV010115-15");
    expect(easternTime(edt).zone).toBe("EDT");
    expect(easternTime(est).zone).toBe("EST");
    expect(parseTicker("KXBTC15M-26NOV010115-15").closes).toEqual([edt, est]);
    expect(tickerForClose(at("2026-11-01T07:00:00Z"))).toBe("KXBTC15M-26NOV010200-00"); // 02:00 EST
  });

  it("parses every ticker of a year back to its close", () => {
    const start = at("2026-01-01T00:00:00Z");
    let ambiguous = 0;
    // Mismatches are collected and compared once: 35,040 expect() calls cost more than the parsing.
    const wrong: string[] = [];
    for (let close = start + WINDOW_SECONDS; close <= start + 365 * 86400; close += WINDOW_SECONDS) {
      const ticker = tickerForClose(close);
      const p = parseTicker(ticker);
      if (p.series !== "KXBTC15M" || !p.closes.includes(close)) wrong.push(`${ticker} → ${p.series} ${p.closes.join(",")} (close ${close})`);
      if (p.closes.length > 1) ambiguous++;
    }
    expect(wrong).toEqual([]);
    expect(ambiguous).toBe(8); // four closes in the repeated hour, each named twice
  });

  it("rejects malformed tickers with a reason", () => {
    expect(() => parseTicker("KXBTC15M-26APR271445-30")).toThrow(/suffix/);
    expect(() => parseTicker("KXBTC15M-26XYZ271445-45")).toThrow(/month/);
    expect(() => parseTicker("KXBTC15M-26APR271446-46")).toThrow(/quarter-hour/);
    expect(() => parseTicker("BTC up")).toThrow(TickerError);
  });
});

describe("US Eastern time by rule", () => {
  it("agrees with the time-zone database every hour from 2010 to 2035, and at each change", async () => {
    const { easternTime, easternTimeFromTzdb } = await import("../../src/domain/window.ts");
    const from = Date.parse("2010-01-01T00:00:00Z") / 1000;
    const to = Date.parse("2036-01-01T00:00:00Z") / 1000;
    const wrong: string[] = [];
    for (let t = from; t < to; t += 3 * 3600 + 17 * 60) {
      const ours = JSON.stringify(easternTime(t));
      const tzdb = JSON.stringify(easternTimeFromTzdb(t));
      if (ours !== tzdb) wrong.push(`${new Date(t * 1000).toISOString()}: ${ours} vs ${tzdb}`);
    }
    expect(wrong).toEqual([]);
    for (const iso of ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-11-01T05:59:59Z", "2026-11-01T06:00:00Z", "2027-03-14T07:00:00Z", "2027-11-07T06:00:00Z"]) {
      const t = Date.parse(iso) / 1000;
      expect(easternTime(t)).toEqual(easternTimeFromTzdb(t));
    }
  });
});
