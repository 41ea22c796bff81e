import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every core, and one worker more: vitest's default leaves a core free (half of a 2-core
    // machine), and the browser and child-process tests spend much of their time waiting, which
    // the extra worker fills (55 s instead of 61 s here). The tests run on simulated time, so a
    // busier core only makes them slower, never wrong.
    maxWorkers: availableParallelism() + 1,
    // Each worker keeps its modules from file to file instead of loading them again for each:
    // the suite's CPU time is mostly module loading otherwise. Tests leave no state behind them
    // (servers, timers, handlers and fake timers are undone in their own hooks).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
