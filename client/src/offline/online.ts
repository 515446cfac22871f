/**
 * Whether the browser has a network, as one signal for the whole SPA (the
 * offline banner, the Downloads page, replaying queued progress on reconnect).
 */
import { createRoot, createSignal } from "solid-js";

const [online, setOnline] = createRoot(() => createSignal(typeof navigator === "undefined" ? true : navigator.onLine));
if (typeof addEventListener === "function") {
  addEventListener("online", () => setOnline(true));
  addEventListener("offline", () => setOnline(false));
}

/** True while the browser believes it is online. */
export const isOnline = online;
