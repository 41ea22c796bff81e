import { Command } from "commander";

/** `btc15 feeds`: live feed diagnostics. (Filled in by the feeds work.) */
export function feedsCommand(): Command {
  return new Command("feeds").description("connect to every configured price source and show its state (not built yet)").action(() => {
    process.stderr.write("btc15 feeds: not built yet\n");
    process.exitCode = 1;
  });
}
