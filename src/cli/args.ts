import { InvalidArgumentError } from "commander";

/** An ISO-8601 time; without a zone it is read as UTC. Returns unix seconds. */
export function parseIsoTime(text: string): number {
  const withZone = /[zZ]$|[+-]\d\d:?\d\d$/.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`not an ISO-8601 time: ${text} (e.g. 2024-12-01 or 2024-12-01T12:00:00Z)`);
  return Math.floor(ms / 1000);
}
