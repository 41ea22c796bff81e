import { Command } from "commander";

/** `btc15 markets`: the current and next KXBTC15M markets from Kalshi's public data. (Filled in by the Kalshi work.) */
export function marketsCommand(): Command {
  return new Command("markets").description("show the current and next window's Kalshi market (not built yet)").action(() => {
    process.stderr.write("btc15 markets: not built yet\n");
    process.exitCode = 1;
  });
}
