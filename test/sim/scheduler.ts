// Simulated time for tests whose subject runs on a clock: the live runner, the demo, the net
// layer. Timers fire only when the test moves the clock, in order, each instant after the loopback
// I/O it caused has arrived (see settle), so a minute of a live session against real loopback
// servers takes a moment of real time and gives the same answer however loaded the machine is.
import type { Scheduler, Timer } from "../../src/net/scheduler.ts";
import { settle } from "./settle.ts";

interface Entry {
  at: number;
  readonly seq: number;
  readonly fn: () => void;
  /** Repeats every this many ms; 0 for a one-off. */
  readonly every: number;
  live: boolean;
}

export interface RunLimits {
  /** Simulated ms after which the wait fails (default 10 minutes). */
  readonly simMs?: number;
  /** Real ms after which the wait fails (default 20 s): a guard against a test that cannot finish. */
  readonly realMs?: number;
}

export class SimScheduler implements Scheduler {
  private t: number;
  private seq = 0;
  private readonly timers: Entry[] = [];
  private halted = false;

  constructor(startMs: number) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(Math.max(0, ms), fn, 0);
  }

  every(ms: number, fn: () => void): Timer {
    return this.add(Math.max(1, ms), fn, Math.max(1, ms));
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /** Nothing fires from now on: what a killed process's timers do. */
  halt(): void {
    this.halted = true;
    for (const e of this.timers) e.live = false;
    this.timers.length = 0;
  }

  /** Moves the clock `ms` forward, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    while (await this.step(end));
    await settle();
    this.t = Math.max(this.t, end);
    await settle();
  }

  /** Moves the clock to `ms` (absolute), firing every timer due on the way. */
  async advanceTo(ms: number): Promise<void> {
    if (ms > this.t) await this.advance(ms - this.t);
  }

  /** Runs the clock, timer by timer, until `cond` holds. */
  async until(cond: () => boolean, what: string | (() => string), limits: RunLimits = {}): Promise<void> {
    const simEnd = this.t + (limits.simMs ?? 600_000);
    const realEnd = Date.now() + (limits.realMs ?? 20_000);
    for (;;) {
      await settle();
      if (cond()) return;
      if (Date.now() > realEnd) throw new Error(`waited ${limits.realMs ?? 20_000} ms of real time for ${describe(what)} (simulated clock at ${new Date(this.t).toISOString()})`);
      if (await this.step(simEnd)) continue;
      if (this.timers.length > 0) throw new Error(`${describe(what)} did not happen within ${(limits.simMs ?? 600_000) / 1000} simulated seconds`);
      // Nothing scheduled: only work already under way (files, the network) can still end the wait.
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Runs the clock until `p` settles; its value (or its error). */
  async run<T>(p: Promise<T>, what = "the promise", limits: RunLimits = {}): Promise<T> {
    let done = false;
    const watched = p.finally(() => (done = true));
    // A rejection is reported by the await below, not as unhandled while the clock runs.
    watched.catch(() => {});
    await this.until(() => done, what, limits);
    return watched;
  }

  private add(ms: number, fn: () => void, every: number): Timer {
    const e: Entry = { at: this.t + ms, seq: this.seq++, fn, every, live: !this.halted };
    if (e.live) this.timers.push(e);
    return {
      cancel: () => {
        if (!e.live) return;
        e.live = false;
        const i = this.timers.indexOf(e);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  /** Fires the timers of the next instant due by `end` (none: false), then lets their I/O settle. */
  private async step(end: number): Promise<boolean> {
    const next = this.earliest();
    if (next === null || next.at > end) return false;
    this.t = Math.max(this.t, next.at);
    // Everything due at this instant, including timers set for it by the ones that fire.
    for (let due = this.earliest(); due !== null && due.at <= this.t; due = this.earliest()) {
      if (due.every > 0) due.at += due.every;
      else {
        due.live = false;
        this.timers.splice(this.timers.indexOf(due), 1);
      }
      due.fn();
    }
    await settle();
    return true;
  }

  private earliest(): Entry | null {
    let best: Entry | null = null;
    for (const e of this.timers) if (best === null || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    return best;
  }
}

function describe(what: string | (() => string)): string {
  return typeof what === "string" ? what : what();
}
