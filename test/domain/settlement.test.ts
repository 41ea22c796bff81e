import { describe, expect, it } from "vitest";
import { averageCents, resultOf } from "../../src/domain/settlement.ts";

describe("strike and settlement rule", () => {
  it("averages to the nearest cent, halves up", () => {
    expect(averageCents(6_000, 60)).toBe(100);
    expect(averageCents(61, 2)).toBe(31); // 30.5 → 31
    expect(averageCents(59, 2)).toBe(30); // 29.5 → 30
    expect(averageCents(60 * 6_480_904 + 29, 60)).toBe(6_480_904); // .48 of a cent → down
    expect(averageCents(60 * 6_480_904 + 30, 60)).toBe(6_480_905); // .5 of a cent → up
    expect(() => averageCents(0, 0)).toThrow(RangeError);
  });

  it("settles YES when settlement ≥ strike: a tie is YES", () => {
    expect(resultOf(6_483_926, 6_483_926)).toBe("yes");
    expect(resultOf(6_483_927, 6_483_926)).toBe("yes");
    expect(resultOf(6_480_904, 6_483_926)).toBe("no"); // Kalshi's fixture: 64809.04 < 64839.26 → no
  });
});
