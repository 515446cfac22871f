/**
 * Whether this browser collects QoE at all: not with Global Privacy Control
 * (`navigator.globalPrivacyControl`), and not while the account is opted out —
 * the server holds the choice (`GET /api/auth/me` says `qoeOptOut`, so one made
 * on another device arrives with the session; the account page records it at
 * once), this device remembers it for the player. The Worker also drops beacons
 * of an opted-out account and any beacon sent with `Sec-GPC: 1`.
 */
const OPT_OUT_KEY = "marquee.qoe.optOut";

/** True when nothing may be collected: GPC, or the account's opt-out (the server's, remembered on this device). */
export function qoeCollectionOff(): boolean {
  if (typeof navigator !== "undefined" && (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true) return true;
  try {
    return localStorage.getItem(OPT_OUT_KEY) === "1";
  } catch {
    return false;
  }
}

/** Remembers the account's choice on this device (the account page, after the server took it). */
export function rememberQoeOptOut(optedOut: boolean): void {
  try {
    if (optedOut) localStorage.setItem(OPT_OUT_KEY, "1");
    else localStorage.removeItem(OPT_OUT_KEY);
  } catch {
    // Storage unavailable: the server's check still drops the beacons.
  }
}
