/**
 * Recording one progress report: the domain steps behind `POST /api/progress`.
 * D1 says whether the title (and episode) exists for this viewer and where its
 * credits start; the account's ViewerState applies the write (idempotent per
 * opId, newest clientTime wins) and, for a new view or a finished title, bumps
 * the profile's home version in the same step, so every device's cached rows
 * are rebuilt — no D1 write per view.
 */
import type { Viewer } from "../lib/viewer.ts";
import { database } from "../db/client.ts";
import { progressTarget } from "../db/progress.ts";
import { AppError } from "../lib/errors.ts";
import { deviceLabel } from "../lib/device-label.ts";
import type { ProgressEntry } from "./model.ts";
import { viewerState } from "./stub.ts";
import { broadcastRecheckMs, liveStates } from "../schedule/live-state.ts";

/** One validated report from a player (the route's body schema). */
export interface ProgressReport {
  opId: string;
  titleId: number;
  episodeId?: number | null;
  positionSeconds: number;
  durationSeconds: number;
  clientTime: number;
  deviceId: string;
  deviceName?: string;
}

const TARGET_ERRORS = {
  title_not_found: ["No such title here.", 404],
  episode_required: ["episodeId: a series' progress is per episode.", 400],
  not_an_episode: ["episodeId: a movie has no episodes.", 400],
  episode_not_found: ["No such episode of this series.", 404],
} as const;

/** Applies a report for the profile; throws a 4xx AppError when it points at nothing the viewer may watch. */
export async function recordProgress(
  env: Env,
  viewer: Viewer,
  who: { accountId: string; profileId: string },
  report: ProgressReport,
  userAgent: string | undefined,
): Promise<{ applied: boolean; entry: ProgressEntry | null }> {
  const episodeId = report.episodeId ?? null;
  const target = await progressTarget(database(env.DB), viewer, report.titleId, episodeId);
  if (!target.ok) {
    const [message, status] = TARGET_ERRORS[target.code];
    throw new AppError(status, target.code, message);
  }
  // A live view (a channel broadcasting, a premiere on air) has no resume point: its position is on the
  // broadcast's timeline, not the recording's or the film's. Nothing is written; after a premiere it is VOD again.
  // (Local development reads which channels broadcast on every report, as search does.)
  const states = await liveStates(database(env.DB), viewer.nowMs, broadcastRecheckMs(env));
  if (episodeId === null && states.get(report.titleId)?.state === "live") {
    return { applied: false, entry: null };
  }
  const result = await viewerState(env, who.accountId).write({
    opId: report.opId,
    profileId: who.profileId,
    titleId: report.titleId,
    episodeId,
    positionSeconds: report.positionSeconds,
    durationSeconds: report.durationSeconds,
    clientTime: report.clientTime,
    deviceId: report.deviceId,
    deviceName: report.deviceName ?? deviceLabel(userAgent),
    creditsStartSeconds: target.creditsStartSeconds,
    country: viewer.country,
  });
  return { applied: result.applied, entry: result.entry ?? null };
}
