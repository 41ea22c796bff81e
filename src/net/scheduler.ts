/** A timer set through a scheduler. */
export interface Timer {
  /** Stops it; harmless after it fired or was cancelled. */
  cancel(): void;
}

/**
 * The one clock of the drivers and the net layer: the time (ms since the epoch) and timers on
 * it. Production runs on the wall clock (systemScheduler); a test passes a simulated one and
 * moves it, so a minute of a live session takes a moment and no test sleeps through real time.
 */
export interface Scheduler {
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): Timer;
}

/** The wall clock and Node's timers (looked up at each call, so a test's fake timers still apply). */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
  every(ms, fn) {
    const t = setInterval(fn, Math.max(1, ms));
    return { cancel: () => clearInterval(t) };
  },
};

/** Waits `ms` on `scheduler`, or less when `signal` aborts; never rejects. */
export function sleep(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = scheduler.after(ms, done);
    function done(): void {
      timer.cancel();
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * An AbortSignal that aborts `ms` from now on `scheduler` with `reason` (AbortSignal.timeout
 * runs on the wall clock only); cancel() when the work finished first.
 */
export function timeoutSignal(scheduler: Scheduler, ms: number, reason: () => Error): { readonly signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = scheduler.after(ms, () => controller.abort(reason()));
  return { signal: controller.signal, cancel: () => timer.cancel() };
}
