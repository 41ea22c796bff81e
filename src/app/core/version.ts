import { readFileSync } from "node:fs";

/** btc15's version, from package.json (shown by --version and written in every recording). */
export const VERSION: string = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
