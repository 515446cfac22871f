import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { pathwayOrigins, staticSecurityHeaders } from "./worker/lib/security.ts";

/** CDN pathway hosts from wrangler.toml, so the SPA's CSP lets the player fetch from them. */
function configuredPathwayOrigins(): string[] {
  const toml = readFileSync(new URL("./wrangler.toml", import.meta.url), "utf8");
  return pathwayOrigins(/^PATHWAYS\s*=\s*'(.*)'\s*$/m.exec(toml)?.[1]);
}

/** Writes dist/client/_headers so static assets carry the same security headers as the Worker's responses. */
function securityHeadersFile(): Plugin {
  return {
    name: "marquee-security-headers",
    apply: "build",
    writeBundle(options) {
      const headers = Object.entries(staticSecurityHeaders(configuredPathwayOrigins())).map(([k, v]) => `  ${k}: ${v}`);
      const body = ["/*", ...headers, "/assets/*", "  Cache-Control: public, max-age=31536000, immutable", ""].join("\n");
      writeFileSync(resolve(options.dir!, "_headers"), body);
    },
  };
}

export default defineConfig({
  root: "client",
  plugins: [solid(), securityHeadersFile()],
  build: { outDir: "../dist/client", emptyOutDir: true, target: "es2022" },
  server: { proxy: { "/api": "http://127.0.0.1:8787", "/cdn": "http://127.0.0.1:8787" } },
});
