import { createInterface } from "node:readline/promises";

/** A yes/no question on the terminal; only an explicit "yes" counts. */
export async function askYes(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim().toLowerCase() === "yes";
  } finally {
    rl.close();
  }
}
