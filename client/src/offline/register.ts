/**
 * The service worker (built by vite-plugin-pwa/Workbox, see vite.config.ts):
 * registered once a page other than the player has loaded, so precaching the
 * app shell never competes with a first page's requests, and never with a
 * first frame (a visit that opens on the player registers it on the next page).
 * A new version activates at once and takes over the open pages, which keep
 * running: nothing reloads a page (a reload would cut a film short); the next
 * page load gets the new shell.
 */

let registered = false;

/** Registers the app-shell service worker unless `pathname` is the player's (nothing in development: Vite serves no worker there). */
export function registerAppShell(pathname: string): void {
  if (registered || !("serviceWorker" in navigator) || import.meta.env.DEV) return;
  if (/^\/(watch|downloads)\/[^/]+/.test(pathname)) return;
  registered = true;
  const register = () => void navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err: unknown) => console.warn("service worker not registered", err));
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}
