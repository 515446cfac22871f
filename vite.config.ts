import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";
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

/**
 * Home is the page most visits open: its route chunk (and the chunks it
 * imports) are fetched with the entry instead of after the entry has run, so
 * Home renders as soon as GET /api/home answers.
 */
function preloadHomeRoute(): Plugin {
  return {
    name: "marquee-preload-home",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).filter((c) => c.type === "chunk");
        const home = chunks.find((c) => c.facadeModuleId?.endsWith("/client/src/pages/home.tsx"));
        if (!home) return [];
        const entryDeps = new Set(chunks.filter((c) => c.isEntry).flatMap((c) => [c.fileName, ...c.imports]));
        return [home.fileName, ...home.imports]
          .filter((file) => !entryDeps.has(file))
          .map((file) => ({ tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `/${file}` }, injectTo: "head" as const }));
      },
    },
  };
}

/**
 * Installable app: the web app manifest and a Workbox service worker that
 * precaches the app shell (every built asset) and answers navigations with
 * index.html, so Marquee opens with no network. It answers nothing else: API
 * and media requests (/api, /cdn) go to the network untouched; downloaded media
 * is read from IndexedDB by the player's offline loader, not through the worker.
 * Registered by client/src/offline/register.ts after the page has loaded.
 */
function installableApp(): Plugin[] {
  return VitePWA({
    injectRegister: false,
    registerType: "autoUpdate",
    strategies: "generateSW",
    includeAssets: ["favicon.svg"],
    manifest: {
      name: "Marquee",
      short_name: "Marquee",
      description: "Films and series, streamed from the edge — and downloaded to watch offline.",
      id: "/",
      start_url: "/",
      scope: "/",
      display: "standalone",
      theme_color: "#0b0b10",
      background_color: "#0b0b10",
      icons: [
        { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
        { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
        { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        { src: "/favicon.svg", sizes: "any", type: "image/svg+xml" },
      ],
    },
    workbox: {
      globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
      navigateFallback: "/index.html",
      navigateFallbackDenylist: [/^\/api\//, /^\/cdn\//],
      runtimeCaching: [],
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
    },
  });
}

export default defineConfig({
  root: "client",
  plugins: [solid(), securityHeadersFile(), preloadHomeRoute(), ...installableApp()],
  build: { outDir: "../dist/client", emptyOutDir: true, target: "es2022" },
  server: { proxy: { "/api": "http://127.0.0.1:8787", "/cdn": "http://127.0.0.1:8787" } },
});
