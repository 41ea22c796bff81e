import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every core: vitest's default leaves one free, which on a 2-core machine is half of them.
    maxWorkers: availableParallelism(),
    // Each worker keeps its modules from file to file instead of loading them again for each:
    // the suite's CPU time is mostly module loading otherwise. Tests leave no state behind them
    // (servers, timers, handlers and fake timers are undone in their own hooks).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
