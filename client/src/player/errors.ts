/**
 * What went wrong, in words a viewer understands: the playback API's refusal
 * codes (what each code means to the client: data/errors.ts) and hls.js's
 * fatal errors mapped to a headline, an explanation, whether
 * trying again can help, and whether Retry renews the playback token first.
 */
import type { ErrorData } from "hls.js";
import { isKnownErrorCode, meaningOf, refusalWords, type ErrorCode } from "../data/errors.ts";
import { errorText } from "../i18n/pages/errors/index.ts";
import { playerWords } from "../i18n/pages/player/index.ts";

const { t } = playerWords;

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

/** Worker codes playback can stop on that the player words itself, with whether Retry can help; any other code is worded by its HTTP status. */
const PLAYBACK_RETRY = {
  quality_not_in_plan: false,
  title_not_found: false,
  episode_not_found: false,
  no_media: true,
  asset_changed: true,
  profile_required: false,
  session_expired: true,
  invalid_session: false,
  unauthorized: false,
  sign_in_required: false,
  playback_unavailable: true,
  token_expired: true,
  invalid_token: true,
  token_scope: true,
  rendition_above_plan: true,
  licence_unavailable: true,
  unsupported_key_system: false,
  unknown_key: true,
  playback_revoked: false,
  stream_limit: true,
  stream_stopped: true,
} as const satisfies Partial<Record<ErrorCode, boolean>>;
type PlaybackCode = keyof typeof PLAYBACK_RETRY;

/** Problems the player words by kind (offline, a slow or failing network, codecs…), each with `<kind>.title` and `<kind>.message`. */
type Kind = "server" | "unreachable" | "offline" | "missing" | "serverTrouble" | "slow" | "loadFailed" | "format" | "decode" | "protected" | "stopped" | "unsupported" | "invalid_token";

/** A problem of `kind` in the interface language (player namespace). */
function worded(kind: Kind | PlaybackCode, retry: boolean, code: string): PlayerProblem {
  return { title: t(`${kind}.title`), message: t(`${kind}.message`), retry, code };
}

/** The player's problem for a Worker code it has words for, else undefined. */
function knownProblem(code: string): PlayerProblem | undefined {
  const refusal = refusalWords(code);
  const renewToken = !!meaningOf(code).renewToken;
  if (refusal) return { ...refusal, retry: false, code, renewToken };
  if (isKnownErrorCode(code) && Object.hasOwn(PLAYBACK_RETRY, code)) return { ...worded(code as PlaybackCode, PLAYBACK_RETRY[code as PlaybackCode], code), renewToken };
  return undefined;
}

/** A problem from the playback API (the page's request for playback, or a renewal). */
export function apiProblem(err: unknown): PlayerProblem {
  // An ApiError (data/api.ts), recognised by shape so this module stays free of the API client.
  if (err instanceof Error && typeof (err as { status?: unknown }).status === "number" && typeof (err as { code?: unknown }).code === "string") {
    const { status, code } = err as Error & { status: number; code: string };
    const known = knownProblem(code);
    if (known) return known;
    const renewToken = !!meaningOf(code).renewToken;
    if (status >= 500) return { ...worded("server", true, code), renewToken };
    return { title: t("refused.title"), message: errorText(code), retry: status === 429 || status === 408, code, renewToken };
  }
  if (typeof navigator !== "undefined" && navigator.onLine === false) return offline();
  return worded("unreachable", true, "network");
}

function offline(): PlayerProblem {
  return worded("offline", true, "offline");
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
    if (status === 403) return { ...worded("invalid_token", true, `http_403 ${details}`), renewToken: true };
    if (status === 404) return worded("missing", true, `http_404 ${details}`);
    if (status >= 500) return worded("serverTrouble", true, `http_${status} ${details}`);
    if (/timeout/i.test(details)) return worded("slow", true, details);
    return worded("loadFailed", true, details);
  }
  if (data.type === "mediaError") {
    if (details === "manifestIncompatibleCodecsError" || details === "bufferIncompatibleCodecsError") {
      return worded("format", false, details);
    }
    return worded("decode", true, details);
  }
  if (data.type === "keySystemError") {
    // A licence refusal carries the service's code (stream limit, revoked, region, plan…).
    const body = errorBodyOf(data as ErrorData);
    const known = knownProblem(body?.code ?? "");
    if (known) return Array.isArray(body?.streams) ? { ...known, streams: body.streams } : known;
    return worded("protected", false, details);
  }
  return worded("stopped", true, details);
}

/** A <video> element's own error (native HLS playback). */
export function mediaElementProblem(error: MediaError | null): PlayerProblem {
  switch (error?.code) {
    case 2:
      return worded("loadFailed", true, "media_err_network");
    case 3:
      return worded("decode", true, "media_err_decode");
    case 4:
      return worded("format", true, "media_err_src_not_supported");
    default:
      return worded("stopped", true, "media_err");
  }
}

/** Neither MediaSource nor native HLS. */
export function unsupportedProblem(): PlayerProblem {
  return worded("unsupported", false, "unsupported");
}

/** A download's stored licence could not unlock it in this browser (offline/licence.ts). */
export function keysProblem(): PlayerProblem {
  return worded("protected", false, "offline_keys");
}
