// Lint rules, including the architecture's import direction (../shared/docs/architecture.md):
// a layer may import only the layers listed for it, and the deterministic core (domain, model,
// strategy, engine) may not touch the clock, timers, the network, the file system or the environment.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const layers = ["domain", "model", "strategy", "engine", "net", "feeds", "kalshi", "store", "report", "history", "config", "app", "cli"];

/** Which of our layers each layer may import (itself always allowed). */
const allowed = {
  domain: [],
  model: ["domain"],
  strategy: ["domain", "model"],
  engine: ["domain", "model", "strategy"],
  // I/O plumbing shared by the venues: the socket lifecycle, the poll loop, the backoff.
  net: ["domain"],
  feeds: ["domain", "net"],
  kalshi: ["domain", "net"],
  store: ["domain"],
  report: ["domain"],
  history: ["domain"],
  config: ["domain", "model", "strategy", "engine", "feeds", "kalshi", "store", "report", "history"],
  app: ["domain", "model", "strategy", "engine", "net", "feeds", "kalshi", "store", "report", "history", "config"],
  cli: ["app", "config", "domain"],
};

const core = new Set(["domain", "model", "strategy", "engine"]);

/**
 * Inside app: the core builder at the bottom, the drivers on it, the commands on top (research
 * beside them); the console and the dashboard show what they are given and never reach up into
 * the drivers or the commands. Which of app's parts each part may import (itself always allowed).
 */
const appParts = ["core", "console", "recording", "venue", "dashboard", "drivers", "commands", "research"];
const appAllowed = {
  core: [],
  console: ["core"],
  recording: ["core"],
  venue: ["core", "console"],
  dashboard: ["core", "console", "recording"],
  drivers: ["core", "console", "recording", "venue", "dashboard"],
  commands: ["core", "console", "recording", "venue", "dashboard", "drivers"],
  research: ["core", "console", "recording", "drivers", "commands"],
};
const ioModules = ["ws", "node:fs", "fs", "node:fs/promises", "fs/promises", "node:http", "http", "node:https", "https", "node:net", "net", "node:child_process", "child_process", "node:worker_threads", "undici"];

function layerPatterns(layer) {
  const forbidden = layers.filter((l) => l !== layer && !allowed[layer].includes(l));
  return forbidden.map((l) => ({
    group: [`**/${l}/*`, `**/${l}/**`],
    message: `the ${layer} layer may not import the ${l} layer (architecture.md)`,
  }));
}

function layerRules(layer) {
  const rules = {
    "no-restricted-imports": [
      "error",
      {
        paths: core.has(layer) ? ioModules.map((name) => ({ name, message: `the ${layer} layer is deterministic core: no I/O` })) : [],
        patterns: layerPatterns(layer),
      },
    ],
  };
  if (core.has(layer)) {
    const msg = "the core is deterministic: time enters only inside events";
    rules["no-restricted-properties"] = [
      "error",
      { object: "Date", property: "now", message: msg },
      { object: "performance", property: "now", message: msg },
      { object: "Math", property: "random", message: "the core is deterministic: pass a seeded generator" },
    ];
    rules["no-restricted-globals"] = ["error", ...["process", "setTimeout", "setInterval", "setImmediate", "fetch", "performance"].map((name) => ({ name, message: msg }))];
    rules["no-restricted-syntax"] = [
      "error",
      { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: msg },
    ];
  }
  return { files: [`src/${layer}/**/*.ts`], rules };
}

/**
 * One clock (architecture.md): the net layer, the venues and the drivers take a scheduler and read
 * no other clock, so a test's simulated one runs them; only the wall-clock adapters touch Node's.
 */
const clockMessage = "one clock: take the scheduler (src/net/scheduler.ts), so a simulated clock runs this too";
const oneClock = {
  files: ["src/net/**/*.ts", "src/feeds/**/*.ts", "src/kalshi/**/*.ts", "src/app/drivers/**/*.ts", "src/app/venue/**/*.ts", "src/app/dashboard/**/*.ts", "src/app/recording/**/*.ts"],
  ignores: ["src/net/scheduler.ts", "src/kalshi/clock.ts"],
  rules: {
    "no-restricted-properties": ["error", { object: "Date", property: "now", message: clockMessage }],
    "no-restricted-globals": ["error", ...["setTimeout", "setInterval"].map((name) => ({ name, message: clockMessage }))],
    "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: clockMessage }],
  },
};

/** One part of app: the app layer's own rule, and the direction between app's parts. */
function appPartRules(part) {
  const forbidden = appParts.filter((p) => p !== part && !appAllowed[part].includes(p));
  const patterns = forbidden.map((p) => ({
    group: [`**/${p}/*`, `**/${p}/**`],
    message: `app/${part} may not import app/${p} (core ← drivers ← commands; console and dashboard never import drivers or commands)`,
  }));
  return { files: [`src/app/${part}/**/*.ts`], rules: { "no-restricted-imports": ["error", { patterns: [...layerPatterns("app"), ...patterns] }] } };
}

export default tseslint.config(
  { ignores: ["node_modules/**", "data/**", "coverage/**", "logs/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", setImmediate: "readonly", performance: "readonly", fetch: "readonly", AbortController: "readonly", AbortSignal: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", structuredClone: "readonly", queueMicrotask: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
    },
  },
  ...layers.map(layerRules),
  ...appParts.map(appPartRules),
  oneClock,
);
