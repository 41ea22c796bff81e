import { Backoff } from "./backoff.ts";
import { type Scheduler, type Timer, systemScheduler } from "./scheduler.ts";

export interface PollLoopOptions {
  /** A round starts this long after the previous one started (at once if that one took longer). */
  readonly intervalMs: number;
  /** After failures the wait doubles from twice the interval up to this cap (never below the interval). */
  readonly backoffMaxMs: number;
  /** In [0, 1): the backoff's jitter. */
  readonly random?: () => number;
  /** The clock the rounds are timed on (default the wall clock). */
  readonly scheduler?: Scheduler;
}

/**
 * Runs one round at a time on a timer until stopped: never two in flight. A round resolves true
 * when it went well; false, or a rejection, is a failure, and the next round waits the shared
 * backoff counted from the failed round's end, so a venue that is down or throttling is not
 * hammered. stop() cancels the timer and waits for the round in flight.
 */
export class PollLoop {
  private wanted = false;
  private timer: Timer | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private readonly scheduler: Scheduler;

  constructor(private readonly round: () => Promise<boolean>, private readonly opts: PollLoopOptions) {
    this.backoff = new Backoff(2 * opts.intervalMs, opts.backoffMaxMs, opts.random);
    this.scheduler = opts.scheduler ?? systemScheduler;
  }

  /** Starts at once; started again before a stopped loop's last round ends, it goes on after that round. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    if (this.inFlight === null) this.run();
  }

  stop(): Promise<void> {
    this.wanted = false;
    this.timer?.cancel();
    this.timer = null;
    return this.inFlight ?? Promise.resolve();
  }

  private run(): void {
    this.timer = null;
    const began = this.scheduler.now();
    this.inFlight = this.once().then((ok) => {
      this.inFlight = null;
      if (!this.wanted) return;
      const wait = ok ? Math.max(0, this.opts.intervalMs - (this.scheduler.now() - began)) : Math.max(this.opts.intervalMs, this.backoff.next());
      this.timer = this.scheduler.after(wait, () => this.run());
    });
  }

  private async once(): Promise<boolean> {
    try {
      const ok = await this.round();
      if (ok) this.backoff.reset();
      return ok;
    } catch {
      // A round reports its own errors; one that escapes still must not end the loop.
      return false;
    }
  }
}
