/**
 * Every error code the Worker answers in `{ error: { code, message } }`, as one
 * closed union: `AppError` accepts only these (a typo does not compile) and the
 * client can map each one exhaustively. Types only at runtime cost nothing; the
 * list is also a value so tests can check an answered code is known.
 */
export const ERROR_CODES = [
  // Request shape (worker/lib/validate.ts names the failing part: invalid_<target>)
  "bad_request",
  "invalid_json",
  "invalid_query",
  "invalid_param",
  "unsupported_media_type",
  "payload_too_large",
  "not_found",
  "internal",
  "dev_only",
  // Catalog
  "title_not_found",
  "episode_not_found",
  "person_not_found",
  "genre_not_found",
  "artwork_not_found",
  "invalid_cursor",
  // Accounts, sessions and profiles
  "unauthorized",
  "sign_in_required",
  "cross_site",
  "auth_unavailable",
  "email_taken",
  "invalid_credentials",
  "invalid_session",
  "session_expired",
  "invalid_refresh",
  "refresh_reused",
  "too_many_attempts",
  "password_required",
  "wrong_password",
  "password_unchanged",
  "invalid_plan",
  "profile_required",
  "profile_not_found",
  "profile_limit",
  "profile_name_taken",
  "kids_profile",
  "invalid_maturity",
  "pin_required",
  "wrong_pin",
  // My List and ratings
  "list_full",
  "list_changed",
  "not_in_list",
  "not_rated",
  // Progress
  "episode_required",
  "not_an_episode",
  // Playback and media
  "region_restricted",
  "outside_window",
  "maturity_restricted",
  "quality_not_in_plan",
  "playback_unavailable",
  "no_media",
  "asset_changed",
  "invalid_token",
  "token_expired",
  "token_scope",
  "rendition_above_plan",
  "unknown_pathway",
  "pathway_fault",
  "invalid_path",
  "invalid_country",
  "upgrade_required",
  // QoE and the operations console
  "invalid_beacon",
  "not_operator",
  // Live ingest (worker/live/, issue 16): what an encoder is told
  "unknown_channel",
  "invalid_ingest_secret",
  "not_live",
  "unknown_rendition",
  "init_required",
  "invalid_media",
  "ingest_busy",
  "part_out_of_range",
  "duplicate_part",
  "out_of_order",
  "part_too_long",
  // Licences and stream limits (worker/licence/)
  "licence_unavailable",
  "unsupported_key_system",
  "unknown_key",
  "playback_revoked",
  "stream_limit",
  "stream_stopped",
  "stream_not_found",
  // Offline downloads (worker/downloads/)
  "download_device_limit",
  "download_limit",
  "download_not_found",
  "download_revoked",
  // Schedule and premieres (worker/schedule/)
  "premiere_not_started",
  "beyond_live_point",
  "event_not_found",
  "event_not_schedulable",
  "invalid_grant",
  "downloads_unavailable",
] as const;

/** One error code the Worker may answer. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether `value` is a code the Worker answers (for clients reading an unknown body). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
