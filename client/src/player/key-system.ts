/**
 * The content decryption module warmed before Play. For an encrypted title,
 * `requestMediaKeySystemAccess` and `createMediaKeys` stood between the click
 * and the licence request (hls.js makes them once it has read the master's
 * `#EXT-X-SESSION-KEY`), tens of milliseconds on a slow device. The title page's
 * prepared start (data/warm-media.ts) calls `warmKeySystem` once it has the
 * master, with the codecs it lists; the player's hls.js takes the warmed access
 * once through `requestMediaKeySystemAccessFunc`, its MediaKeys already made
 * (a MediaKeys serves one video element, so a second player asks afresh).
 *
 * Nothing here takes a stream or asks for a licence: a licence takes a screen
 * of the plan's stream limit, so it is asked for only after Play.
 */

interface Warmed {
  keySystem: string;
  access: Promise<MediaKeySystemAccess>;
  keys: Promise<MediaKeys>;
}

let warmed: Warmed | undefined;

/** The media types a key system is asked to decrypt for a master's CODECS lists (video and audio split by codec family). */
export function keySystemConfigurations(codecLists: string[]): MediaKeySystemConfiguration[] {
  const codecs = [...new Set(codecLists.flatMap((list) => list.split(",").map((c) => c.trim()).filter(Boolean)))];
  const isAudio = (c: string) => /^(mp4a|ac-3|ec-3|opus|flac)/i.test(c);
  const video = codecs.filter((c) => !isAudio(c)).map((c) => ({ contentType: `video/mp4; codecs="${c}"` }));
  const audio = codecs.filter(isAudio).map((c) => ({ contentType: `audio/mp4; codecs="${c}"` }));
  return [
    {
      initDataTypes: ["keyids", "cenc"],
      sessionTypes: ["temporary"],
      persistentState: "optional",
      distinctiveIdentifier: "optional",
      ...(video.length ? { videoCapabilities: video } : {}),
      ...(audio.length ? { audioCapabilities: audio } : {}),
    },
  ];
}

/** Starts getting the key system's access and its MediaKeys now (once per key system until taken); never throws. */
export function warmKeySystem(keySystem: string, codecLists: string[]): void {
  if (warmed?.keySystem === keySystem || typeof navigator.requestMediaKeySystemAccess !== "function") return;
  const access = navigator.requestMediaKeySystemAccess(keySystem, keySystemConfigurations(codecLists));
  const keys = access.then((a) => a.createMediaKeys());
  const entry: Warmed = { keySystem, access, keys };
  // A failure here is the player's to meet (and report) when it asks itself.
  keys.catch(() => {
    if (warmed === entry) warmed = undefined;
  });
  warmed = entry;
}

/**
 * hls.js's `requestMediaKeySystemAccessFunc`: the warmed access, taken once, whose
 * `createMediaKeys` answers the MediaKeys made while the title page showed; else
 * (nothing warmed, another key system, or the warming failed) the browser's own.
 */
export function takeKeySystemAccess(keySystem: string, configs: MediaKeySystemConfiguration[]): Promise<MediaKeySystemAccess> {
  const w = warmed;
  if (!w || w.keySystem !== keySystem) return browserAccess(keySystem, configs);
  warmed = undefined;
  return w.access.then(
    (access) =>
      ({
        keySystem: access.keySystem,
        getConfiguration: () => access.getConfiguration(),
        createMediaKeys: () => w.keys.catch(() => access.createMediaKeys()),
      }) as MediaKeySystemAccess,
    () => browserAccess(keySystem, configs),
  );
}

/** The browser's own answer, as a rejection (hls.js's error path) where it has no EME (an insecure origin, say). */
function browserAccess(keySystem: string, configs: MediaKeySystemConfiguration[]): Promise<MediaKeySystemAccess> {
  if (typeof navigator.requestMediaKeySystemAccess !== "function") return Promise.reject(new Error("this browser offers no encrypted media (EME) here"));
  return navigator.requestMediaKeySystemAccess(keySystem, configs);
}
