import type { Scheduler } from "../../net/scheduler.ts";

/** Where a command writes and what it reads of its surroundings: the process, or a test's capture. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** A terminal's width. */
  readonly columns?: number;
}

export interface Io {
  readonly out: Output;
  readonly err: Output;
  readonly env: NodeJS.ProcessEnv;
  /** The clock of commands that wait (`feeds`); the wall clock unless a test gives its own. */
  readonly scheduler?: Scheduler;
}

export const PROCESS_IO: Io = { out: process.stdout, err: process.stderr, env: process.env };
