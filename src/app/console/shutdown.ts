/**
 * Ctrl+C handling: the first SIGINT or SIGTERM asks for a graceful stop (no new trades, close
 * connections, export, summary, exit 0); a second one exits at once. Nothing journaled is lost
 * either way: every trade record is on disk (fsync) before it counts.
 */
export function onShutdown(graceful: (signal: string) => Promise<void> | void, io: { warn: (s: string) => void } = { warn: (s) => process.stderr.write(s + "\n") }): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    io.warn(`${signal}: stopping (no new trades; closing connections). Press Ctrl+C again to exit at once.`);
    void Promise.resolve(graceful(signal)).catch((e: unknown) => {
      io.warn(`error while stopping: ${(e as Error).message}`);
      process.exitCode = 1;
    });
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
