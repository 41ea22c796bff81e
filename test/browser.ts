import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, type Page, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); we never download a browser build. */
export const CHROMIUM = process.env.BTC15_CHROMIUM ?? "/usr/bin/chromium";

/** Where browser tests leave their screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

/**
 * Flags for a headless Chromium on a machine without network: the background-networking ones
 * stop it from calling home (updates, sync, QUIC probes) and waiting on a closed network.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Why browser tests cannot run here, or null when they can. Under CI=true (.ci/run installs
 * Chromium) a missing browser is a failure, not a skip, so the tests never vanish silently.
 */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `no Chromium at ${CHROMIUM} (install it with: apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(`browser tests must run under CI=true, but there is ${why}`);
  return why;
}

/** What a page did wrong while it was open: console errors, uncaught exceptions, requests that failed or left the file. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly failedRequests: string[];
  /** Every URL the page asked for, the page itself included. */
  readonly requests: string[];
}

export interface Browser {
  readonly context: BrowserContext;
  /** A new page whose problems are collected from the start. */
  open(): Promise<{ page: Page; problems: PageProblems }>;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a fresh profile directory, removed again on close. `offline`
 * cuts the page off from every network, loopback included (a dashboard test needs loopback).
 */
export async function launchBrowser(o: { offline?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "btc15-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1366, height: 900 },
    offline: o.offline ?? false,
  });
  return {
    context,
    async open() {
      const page = await context.newPage();
      const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], requests: [] };
      page.on("console", (m) => {
        if (m.type() === "error") problems.consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => problems.pageErrors.push(e.message));
      page.on("requestfailed", (r) => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
      page.on("request", (r) => problems.requests.push(r.url()));
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
