// When is the loopback I/O caused by a timer done? Everything runs in this process: a frame sent
// by a fake server is in the kernel when send() returns and is read in the next turn of the event
// loop, so a few quiet turns mean it arrived. Requests still in flight (a TCP connect, a file
// operation, a fetch) keep the clock waiting, up to a real-time bound for ones that hang by design.
const IN_FLIGHT = new Set(["ConnectWrap", "TCPConnectWrap", "FSReqCallback", "FSReqPromise", "WriteWrap", "ShutdownWrap", "GetAddrInfoReqWrap", "CloseReq"]);

/** Turns of the event loop with nothing in flight before the I/O counts as settled. */
const QUIET_TURNS = 5;
/** A fetch unanswered this long (real ms) is taken to hang on purpose and no longer holds the clock. */
const HUNG_FETCH_MS = 250;

const fetches = new Map<number, number>();
let nextFetch = 0;
let patched = false;

/** Counts fetches in flight (installed once per test process). */
function trackFetch(): void {
  if (patched) return;
  patched = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const id = nextFetch++;
    fetches.set(id, Date.now());
    try {
      return await original(...args);
    } finally {
      fetches.delete(id);
    }
  };
}

function inFlight(): boolean {
  const now = Date.now();
  for (const started of fetches.values()) if (now - started < HUNG_FETCH_MS) return true;
  return process.getActiveResourcesInfo().some((r) => IN_FLIGHT.has(r));
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const pause = () => new Promise<void>((r) => setTimeout(r, 1));

/** Resolves once the I/O already started has arrived and been handled. */
export async function settle(): Promise<void> {
  trackFetch();
  let quiet = 0;
  let busy = 0;
  const started = Date.now();
  while (quiet < QUIET_TURNS) {
    await turn();
    if (inFlight() && Date.now() - started < 2 * HUNG_FETCH_MS) {
      quiet = 0;
      // Work on other threads (file system, a first fetch's set-up) is waited for without spinning.
      if (++busy > 20) await pause();
    } else quiet++;
  }
}
