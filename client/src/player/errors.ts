/**
 * What went wrong, in words a viewer understands: the playback API's refusal
 * codes (what each code means to the client: data/errors.ts) and hls.js's
 * fatal errors mapped to a headline, an explanation, whether
 * trying again can help, and whether Retry renews the playback token first.
 */
import type { ErrorData } from "hls.js";
import { isKnownErrorCode, meaningOf, refusalWords, type ErrorCode } from "../data/errors.ts";

export interface PlayerProblem {
  title: string;
  message: string;
  /** Whether a Retry button makes sense (a refusal by policy does not go away by retrying). */
  retry: boolean;
  /** Shown small, for support ("Error code: region_restricted"). */
  code: string;
  /** Retry asks for a fresh playback token first (the problem came from the token or the session). */
  renewToken?: boolean;
  /** On `stream_limit`: the account's streams holding the screens, each of which can be stopped. */
  streams?: { streamId: string; deviceName: string; profileName: string; titleName: string }[];
}

type Words = Pick<PlayerProblem, "title" | "message" | "retry">;

const signedOut = "You've been signed out";
const notInPlan = "Not included in your plan";
const tokenRefused: Words = { title: "Playback session not valid", message: "The video link was refused. Retry to start a fresh session.", retry: true };

/** Worker codes playback can stop on, in words; any other code is worded by its HTTP status. */
const PLAYBACK_WORDS: Partial<Record<ErrorCode, Words>> = {
  quality_not_in_plan: { title: notInPlan, message: "This video isn't available at a quality your plan includes. Upgrade your plan to watch it.", retry: false },
  title_not_found: { title: "Title not found", message: "This title doesn't exist or is no longer on Marquee.", retry: false },
  episode_not_found: { title: "Episode not found", message: "This episode doesn't exist or is no longer available.", retry: false },
  no_media: { title: "Video not ready yet", message: "This title has no video to play yet. Try again later.", retry: true },
  asset_changed: { title: "The video was updated", message: "A new version of this video was published while you watched. Retry to continue with it.", retry: true },
  profile_required: { title: "Choose a profile", message: "Pick who's watching before playing this title.", retry: false },
  session_expired: { title: signedOut, message: "Your session ended. Sign in again to keep watching.", retry: true },
  invalid_session: { title: signedOut, message: "Your session is no longer valid. Sign in again to keep watching.", retry: false },
  unauthorized: { title: "Sign in to watch", message: "This title needs you to be signed in.", retry: false },
  sign_in_required: { title: "Sign in to watch", message: "Watching needs an account. Sign in or create one to play this title.", retry: false },
  playback_unavailable: { title: "Playback is unavailable", message: "Marquee can't stream right now. Please try again in a few minutes.", retry: true },
  token_expired: { title: "Playback session expired", message: "The video link expired. Retry to continue where you left off.", retry: true },
  invalid_token: tokenRefused,
  token_scope: tokenRefused,
  rendition_above_plan: { title: notInPlan, message: "This quality isn't included in your plan. Choose a lower quality or Auto.", retry: true },
  licence_unavailable: { title: "Playback is unavailable", message: "Marquee can't issue a licence for this video right now. Please try again in a few minutes.", retry: true },
  unsupported_key_system: { title: "This browser can't play protected video", message: "Marquee's videos need a browser with Encrypted Media Extensions.", retry: false },
  unknown_key: { title: "The video was updated", message: "This video's keys changed while you watched. Retry to continue.", retry: true },
  playback_revoked: { title: "Playback stopped", message: "This session can no longer play this title: it was signed out (a password change signs out every other device), its profile changed, or the account's plan or settings changed.", retry: false },
  stream_limit: { title: "Too many screens", message: "Your plan's screens are all in use. Stop playback on another device to watch here.", retry: true },
  stream_stopped: { title: "Playback stopped from another device", message: "Someone on this account stopped this stream to watch elsewhere.", retry: true },
};

/** The player's problem for a Worker code it has words for, else undefined. */
function knownProblem(code: string): PlayerProblem | undefined {
  const refusal = refusalWords(code);
  const words = refusal ? { ...refusal, retry: false } : isKnownErrorCode(code) ? PLAYBACK_WORDS[code] : undefined;
  return words ? { ...words, code, renewToken: !!meaningOf(code).renewToken } : undefined;
}

/** A problem from the playback API (the page's request for playback, or a renewal). */
export function apiProblem(err: unknown): PlayerProblem {
  // An ApiError (data/api.ts), recognised by shape so this module stays free of the API client.
  if (err instanceof Error && typeof (err as { status?: unknown }).status === "number" && typeof (err as { code?: unknown }).code === "string") {
    const { status, code } = err as Error & { status: number; code: string };
    const known = knownProblem(code);
    if (known) return known;
    const renewToken = !!meaningOf(code).renewToken;
    if (status >= 500) return { title: "Something went wrong on our side", message: "Marquee couldn't start playback. Please try again.", retry: true, code, renewToken };
    return { title: "Can't play this title", message: err.message, retry: status === 429 || status === 408, code, renewToken };
  }
  if (typeof navigator !== "undefined" && navigator.onLine === false) return offline();
  return { title: "Can't reach Marquee", message: "Check your internet connection and try again.", retry: true, code: "network" };
}

function offline(): PlayerProblem {
  return { title: "You're offline", message: "Reconnect to the internet, then retry. Playback continues where it stopped.", retry: true, code: "offline" };
}

type ErrorBody = { error?: { code?: string; streams?: PlayerProblem["streams"] } };

/** The JSON error body hls.js saw (xhr or fetch loader; a licence XHR's is an ArrayBuffer), if any. */
function errorBodyOf(data: ErrorData): ErrorBody["error"] | undefined {
  try {
    const details = data.networkDetails as { responseText?: string; responseType?: string; response?: unknown } | null | undefined;
    let text: string | undefined;
    if (details?.responseType === "arraybuffer" && details.response instanceof ArrayBuffer) text = new TextDecoder().decode(details.response);
    else if (details && (details.responseType === "" || details.responseType === "text" || details.responseType === undefined) && typeof details.responseText === "string") text = details.responseText;
    else if (typeof data.response?.data === "string") text = data.response.data;
    return text ? (JSON.parse(text) as ErrorBody).error : undefined;
  } catch {
    return undefined;
  }
}

function bodyCode(data: ErrorData): string | undefined {
  return errorBodyOf(data)?.code;
}

/** A fatal hls.js error (after hls.js's own retries and our media recovery gave up). */
export function hlsProblem(data: Pick<ErrorData, "type" | "details" | "response" | "networkDetails">): PlayerProblem {
  const details = String(data.details);
  if (data.type === "networkError") {
    if (typeof navigator !== "undefined" && navigator.onLine === false) return offline();
    const known = knownProblem(bodyCode(data as ErrorData) ?? "");
    if (known) return known;
    const status = data.response?.code ?? 0;
    // A 403 without a code we know: the token is the likeliest cause, so Retry renews it.
    if (status === 403) return { ...tokenRefused, code: `http_403 ${details}`, renewToken: true };
    if (status === 404) return { title: "Video not found", message: "Part of this video is missing on the server. Retry, or try again later.", retry: true, code: `http_404 ${details}` };
    if (status >= 500) return { title: "The video server is having trouble", message: "Retry in a moment; playback continues where it stopped.", retry: true, code: `http_${status} ${details}` };
    if (/timeout/i.test(details)) return { title: "The connection is too slow", message: "The video took too long to load. Check your connection and retry.", retry: true, code: details };
    return { title: "The video could not be loaded", message: "Check your internet connection and retry. Playback continues where it stopped.", retry: true, code: details };
  }
  if (data.type === "mediaError") {
    if (details === "manifestIncompatibleCodecsError" || details === "bufferIncompatibleCodecsError") {
      return { title: "This device can't play this video", message: "The video's format isn't supported by this browser. Try another browser or device.", retry: false, code: details };
    }
    return { title: "Playback stopped", message: "The video couldn't be decoded. Retry to continue where it stopped.", retry: true, code: details };
  }
  if (data.type === "keySystemError") {
    // A licence refusal carries the service's code (stream limit, revoked, region, plan…).
    const body = errorBodyOf(data as ErrorData);
    const known = knownProblem(body?.code ?? "");
    if (known) return Array.isArray(body?.streams) ? { ...known, streams: body.streams } : known;
    return { title: "Protected video can't play here", message: "This browser couldn't unlock the video. Try another browser or device.", retry: false, code: details };
  }
  return { title: "Playback stopped", message: "Something went wrong while playing. Retry to continue where it stopped.", retry: true, code: details };
}

/** A <video> element's own error (native HLS playback). */
export function mediaElementProblem(error: MediaError | null): PlayerProblem {
  switch (error?.code) {
    case 2:
      return { title: "The video could not be loaded", message: "Check your internet connection and retry.", retry: true, code: "media_err_network" };
    case 3:
      return { title: "Playback stopped", message: "The video couldn't be decoded. Retry to continue where it stopped.", retry: true, code: "media_err_decode" };
    case 4:
      return { title: "This device can't play this video", message: "The video's format isn't supported here. Try another browser or device.", retry: true, code: "media_err_src_not_supported" };
    default:
      return { title: "Playback stopped", message: "Something went wrong while playing. Retry to continue.", retry: true, code: "media_err" };
  }
}

/** Neither MediaSource nor native HLS. */
export const UNSUPPORTED: PlayerProblem = {
  title: "This browser can't play video",
  message: "Marquee streams with HLS, which this browser supports neither natively nor through Media Source Extensions. Try a current Chrome, Edge, Firefox or Safari.",
  retry: false,
  code: "unsupported",
};
