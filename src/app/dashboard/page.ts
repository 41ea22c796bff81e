import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * The dashboard page: page.html with client.js inlined, one self-contained document that loads
 * nothing from elsewhere. Its Content-Security-Policy allows that one script (by its hash), inline
 * styles, and connections back to this server only.
 */
export function dashboardPage(): { readonly html: string; readonly csp: string } {
  const html = readFileSync(new URL("./page.html", import.meta.url), "utf8");
  const script = readFileSync(new URL("./client.js", import.meta.url), "utf8");
  if (script.includes("</script")) throw new Error("client.js may not contain a closing script tag");
  const hash = createHash("sha256").update(script, "utf8").digest("base64");
  const csp = ["default-src 'none'", `script-src 'sha256-${hash}'`, "style-src 'unsafe-inline'", "connect-src 'self'", "img-src data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join("; ");
  return { html: html.replace("<script>/*CLIENT*/</script>", () => `<script>${script}</script>`), csp };
}
