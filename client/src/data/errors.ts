/**
 * The client's one error vocabulary: every code the Worker answers
 * (common/error-codes.ts) mapped to what the SPA does about it by itself —
 * refresh the session and resend, renew the playback token before retrying —
 * in a Record over ErrorCode, so a code added on the server does not compile
 * here until it has a meaning. The words a viewer reads when playback stops on
 * a code are the player's (player/errors.ts), keyed by the same codes; refusals
 * by policy are worded in the interface language (`refusalWords`). What every
 * code means in words, for forms and pages, is the errors namespace
 * (i18n/pages/errors/, `errorText`): typed over ErrorCode too, and kept out of
 * this module so Home's JavaScript does not carry it.
 */
import type { ErrorCode } from "../../../common/error-codes.ts";
import { t } from "../i18n/index.ts";

export type { ErrorCode };

/** A code the client may hold: the Worker's, or `http_error` for an answer without a known code. */
export type ClientErrorCode = ErrorCode | "http_error";

export interface ErrorMeaning {
  /** The API client refreshes the session once and sends the request again. */
  refreshSession?: true;
  /** Retrying playback asks for a fresh playback token first (the refusal came from the token or the session). */
  renewToken?: true;
}

/** Nothing to do by itself: the request was wrong, or refused for a reason a retry does not change. */
const none: ErrorMeaning = {};
const renew: ErrorMeaning = { renewToken: true };

export const ERROR_MEANINGS: Record<ErrorCode, ErrorMeaning> = {
  // Request shape
  bad_request: none,
  invalid_json: none,
  invalid_query: none,
  invalid_param: none,
  unsupported_media_type: none,
  payload_too_large: none,
  not_found: none,
  internal: none,
  dev_only: none,
  // Catalog
  title_not_found: none,
  episode_not_found: none,
  person_not_found: none,
  genre_not_found: none,
  artwork_not_found: none,
  invalid_cursor: none,
  // Accounts, sessions and profiles
  unauthorized: none,
  sign_in_required: none,
  cross_site: none,
  auth_unavailable: none,
  email_taken: none,
  invalid_credentials: none,
  invalid_session: renew,
  session_expired: { refreshSession: true, renewToken: true },
  invalid_refresh: none,
  refresh_reused: none,
  too_many_attempts: none,
  password_required: none,
  wrong_password: none,
  password_unchanged: none,
  invalid_plan: none,
  profile_required: none,
  profile_not_found: none,
  profile_limit: none,
  profile_name_taken: none,
  kids_profile: none,
  invalid_maturity: none,
  pin_required: none,
  wrong_pin: none,
  // My List and ratings
  list_full: none,
  list_changed: none,
  not_in_list: none,
  not_rated: none,
  // Progress
  episode_required: none,
  not_an_episode: none,
  // Playback and media
  region_restricted: none,
  outside_window: none,
  maturity_restricted: none,
  quality_not_in_plan: none,
  playback_unavailable: none,
  no_media: none,
  asset_changed: renew,
  invalid_token: renew,
  token_expired: renew,
  token_scope: renew,
  rendition_above_plan: none,
  unknown_pathway: none,
  pathway_fault: none,
  invalid_path: none,
  invalid_country: none,
  upgrade_required: none,
  // QoE and the operations console
  invalid_beacon: none,
  not_operator: none,
  // Live ingest: answered to encoders, never to the player
  unknown_channel: none,
  invalid_ingest_secret: none,
  not_live: none,
  unknown_rendition: none,
  init_required: none,
  invalid_media: none,
  ingest_busy: none,
  part_out_of_range: none,
  duplicate_part: none,
  out_of_order: none,
  part_too_long: none,
  // Licences and stream limits
  licence_unavailable: none,
  unsupported_key_system: none,
  unknown_key: renew,
  playback_revoked: none,
  stream_limit: none,
  stream_stopped: none,
  stream_not_found: none,
  // Offline downloads: the Downloads page and the Download button say why
  download_device_limit: none,
  download_limit: none,
  download_not_found: none,
  download_revoked: none,
  // Schedule and premieres: the title page shows the countdown; the player never asks past the live point
  premiere_not_started: none,
  beyond_live_point: none,
  event_not_found: none,
  event_not_schedulable: none,
  invalid_grant: none,
  downloads_unavailable: none,
};

/** A refusal in a viewer's words: a headline and what it means. */
export interface RefusalWords {
  title: string;
  message: string;
}

/** Refusals by policy that any screen (a title page, the player) explains in the same words: they say why, and retrying does not change them. */
const REFUSALS = ["region_restricted", "outside_window", "maturity_restricted"] as const satisfies readonly ErrorCode[];
type Refusal = (typeof REFUSALS)[number];

/** A refusal's words in the interface language (i18n dictionaries, `refusal.<code>.*`); undefined for other codes. */
export function refusalWords(code: string): RefusalWords | undefined {
  if (!(REFUSALS as readonly string[]).includes(code)) return undefined;
  const c = code as Refusal;
  return { title: t(`refusal.${c}.title`), message: t(`refusal.${c}.message`) };
}

/** Whether `code` is one the Worker answers (the map's keys are exactly ErrorCode). */
export function isKnownErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_MEANINGS, code);
}

/** The code as the client holds it: a known ErrorCode, or `http_error`. */
export function clientErrorCode(code: unknown): ClientErrorCode {
  return isKnownErrorCode(code) ? code : "http_error";
}

/** What a code means to the client; nothing for codes it does not know. */
export function meaningOf(code: unknown): ErrorMeaning {
  return isKnownErrorCode(code) ? ERROR_MEANINGS[code] : none;
}
