import { isTvUserAgent } from "../../common/tv.ts";

/** A label for a device that did not name itself, from its User-Agent. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  if (isTvUserAgent(ua)) return "TV";
  if (/iPad|Tablet/i.test(ua)) return "Tablet";
  if (/Mobi|iPhone|Android/i.test(ua)) return "Phone";
  return "Computer";
}
