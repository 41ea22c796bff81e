import { describe, expect, it } from "vitest";
import { barTiming } from "../../../src/app/research/fit/bar-timing.ts";
import { marketBlendFit } from "../../../src/app/research/fit/market-blend.ts";
import type { MarketCheckpoint } from "../../../src/app/research/fit/market-checkpoints.ts";
import { SECTION_BEGIN, SECTION_END, marketBlendMarkdown, marketSection, withMarketSection } from "../../../src/app/research/fit/market-report.ts";
import { normalCdf } from "../../../src/model/normal.ts";
import { gaussian, rng } from "../../helpers.ts";

const START = Date.parse("2026-03-15T00:00:00Z") / 1000;

/** Three days of windows where the market's mid is the truth and the fair value a noisy copy. */
function rows(): MarketCheckpoint[] {
  const g = gaussian(1);
  const u = rng(2);
  const out: MarketCheckpoint[] = [];
  for (let w = 0; w < 3 * 96; w++) {
    const z = g();
    const up = u() < normalCdf(z);
    for (let m = 14; m >= 1; m--) out.push({ close: START + 900 * (w + 1), minutes: m, mid: normalCdf(z), fairValue: normalCdf(z + g()), pUp: 0.5, up });
  }
  return out;
}

describe("the market section of docs/fit.md", () => {
  const report = marketBlendFit(rows());
  const section = marketBlendMarkdown({
    command: "npm run fit:market -- --quotes q.csv p.csv",
    quoteFiles: ["q.csv"],
    assumedSpreadCents: 2,
    timing: [{ file: "p.csv", timing: barTiming(new Map(), new Map()) }],
    main: { label: "prices as given", priceFiles: ["p.csv"], report },
    sensitivity: null,
  });

  it("states the command, every fold's scores and the decision", () => {
    expect(section.startsWith(SECTION_BEGIN)).toBe(true);
    expect(section.endsWith(SECTION_END)).toBe(true);
    expect(section).toContain("npm run fit:market -- --quotes q.csv p.csv");
    expect(section).toContain("| 2026-03-16 | 2026-03-15 (96) | 96 | 1344 |");
    expect(section).toContain(`**${report.pooled.market.logLoss.toFixed(5)}**`);
    expect(report.selected).toBeNull();
    expect(section).toContain("Kept: **none**");
    expect(section).not.toContain("Sensitivity");
  });

  it("is appended to a fit report without one, and replaced in place in one that has it", () => {
    const fit = "# Forecaster fit\n\nbody\n\n## Committed defaults\n\n```json\n{}\n```\n";
    const once = withMarketSection(fit, section);
    expect(once.startsWith(fit.trimEnd())).toBe(true);
    expect(marketSection(once)).toBe(section);
    const replaced = withMarketSection(once.replace("body", "new body"), "<!-- fit:market begin (written by npm run fit:market) -->\nnew $& section\n<!-- fit:market end -->");
    expect(replaced).toContain("new body");
    expect(replaced).toContain("new $& section");
    expect(replaced.split(SECTION_BEGIN)).toHaveLength(2);
  });

  it("survives `npm run fit` rewriting the rest of the file", () => {
    const old = withMarketSection("# old fit\n", section);
    const regenerated = "# Forecaster fit, refitted\n";
    const kept = marketSection(old);
    expect(kept).not.toBeNull();
    expect(marketSection(withMarketSection(regenerated, kept!))).toBe(section);
    expect(marketSection(regenerated)).toBeNull();
  });
});
