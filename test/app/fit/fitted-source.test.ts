import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fittedSource } from "../../../src/app/research/fit/report.ts";
import { FITTED_MODEL } from "../../../src/model/fitted.ts";

describe("the fit's generated src/model/fitted.ts", () => {
  it("imports its types from a module that exists beside it", () => {
    const report = { selected: "fair_value", finalTrain: ["a.csv"], pooled: {}, decisions: [] } as unknown as Parameters<typeof fittedSource>[1];
    const source = fittedSource(FITTED_MODEL, report, "npm run fit -- a.csv");
    const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]!);
    expect(imports.length).toBeGreaterThan(0);
    for (const path of imports) expect(existsSync(new URL(path, new URL("../../../src/model/fitted.ts", import.meta.url))), path).toBe(true);
    expect(source).toContain(JSON.stringify(FITTED_MODEL, null, 2));
  });
});
