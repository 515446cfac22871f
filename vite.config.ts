import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";
import { staticSecurityHeaders } from "./worker/lib/security.ts";

/** Writes dist/client/_headers so static assets carry the same security headers as the Worker's responses. */
function securityHeadersFile(): Plugin {
  return {
    name: "marquee-security-headers",
    apply: "build",
    writeBundle(options) {
      const headers = Object.entries(staticSecurityHeaders()).map(([k, v]) => `  ${k}: ${v}`);
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
