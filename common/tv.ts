/**
 * TV browsers by user agent: the one test used for TV mode (client/src/tv/mode.ts)
 * and for naming a device "TV" (client device names, the Worker's progress labels).
 */

/**
 * Samsung (Tizen), LG (webOS, NetCast), Sony (BRAVIA), Chromecast, Android/Google
 * TV, Fire TV (AFT…), HbbTV sets, Roku, consoles, Hisense (VIDAA), Panasonic
 * (Viera), Apple TV and any UA naming itself a smart TV or "TV" as a word.
 */
export const TV_USER_AGENT =
  /SMART-?TV|SmartTV|Tizen|Web0S|webOS\b.*TV|NetCast|BRAVIA|CrKey|Android ?TV|GoogleTV|\bAFT[A-Z0-9]|HbbTV|Roku|PlayStation|Xbox|VIDAA|Viera|AppleTV|\bTV\b/i;

/** Whether a user agent is a TV browser's. */
export function isTvUserAgent(userAgent: string | undefined | null): boolean {
  return TV_USER_AGENT.test(userAgent ?? "");
}
