/// <reference types="vite-plugin-pwa/client" />
/**
 * The service worker (built by vite-plugin-pwa/Workbox, see vite.config.ts):
 * registered once the page has loaded, so precaching the app shell never
 * competes with the first page's own requests (Home, a title, a first frame).
 * A new version activates at once (autoUpdate); the page keeps running and
 * picks the new shell up on its next load.
 */
import { registerSW } from "virtual:pwa-register";

/** Registers the app-shell service worker after `load` (nothing in development: Vite serves no worker there). */
export function registerAppShell(): void {
  if (!("serviceWorker" in navigator) || import.meta.env.DEV) return;
  const register = () => void registerSW({ immediate: true });
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}
