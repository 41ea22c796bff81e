/** A network error in words a user can act on: fetch's "fetch failed" names its cause (ENOTFOUND...). */
export function describe(e: unknown): string {
  const err = e as Error & { code?: string; cause?: Error & { code?: string } };
  const msg = err.message || String(e);
  const cause = err.cause;
  if (cause && cause.message) return `${msg} (${cause.message})`;
  return err.code && !msg.includes(err.code) ? `${err.code}: ${msg}` : msg;
}
