/**
 * This browser as a watching device: a stable id (localStorage "marquee.device")
 * and a human label ("TV", "Phone", "Chrome on Linux") for "watched on …".
 */
import { isTvUserAgent } from "../../../common/tv.ts";

const DEVICE_KEY = "marquee.device";
const ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A random id in the progress API's opaque-id alphabet. */
export function randomId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

let memoryDeviceId: string | undefined;

/** This browser's stable id (created on first use; kept in memory only where storage is unavailable). */
export function deviceId(): string {
  try {
    const stored = localStorage.getItem(DEVICE_KEY);
    if (stored && ID.test(stored)) return stored;
    const fresh = randomId();
    localStorage.setItem(DEVICE_KEY, fresh);
    return fresh;
  } catch {
    memoryDeviceId ??= randomId();
    return memoryDeviceId;
  }
}

/** A human label for this device: "TV", "Phone", "Tablet", or "<browser> on <OS>" (at most 40 characters). */
export function deviceName(ua: string = typeof navigator === "undefined" ? "" : navigator.userAgent): string {
  if (isTvUserAgent(ua)) return "TV";
  if (/iPhone|iPod|Android.*Mobile|Windows Phone/i.test(ua)) return "Phone";
  if (/iPad|Android|Tablet/i.test(ua)) return "Tablet";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "Mac" : /CrOS/.test(ua) ? "ChromeOS" : /Linux/.test(ua) ? "Linux" : "";
  return (os ? `${browser} on ${os}` : browser).slice(0, 40);
}

export type DeviceClass = "tv" | "desktop" | "phone";

/** The device class Home is ranked for: TV mode (html.tv), a phone-sized screen, or a desktop. */
export function deviceClass(): DeviceClass {
  if (typeof document !== "undefined" && document.documentElement.classList.contains("tv")) return "tv";
  return typeof matchMedia !== "undefined" && matchMedia("(max-width: 700px)").matches ? "phone" : "desktop";
}
