import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { afterResponse } from "../lib/after-response.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { findPathway } from "../media/pathways.ts";
import type { PathwaySample } from "../media/steering-policy.ts";
import { queueReports, steeringPriority } from "../media/steering.ts";
import { reporterIds, type ReporterIds } from "../media/steering-ids.ts";
import { verifyPlaybackToken } from "../media/tokens.ts";

/** Seconds before a player asks again (hls.js reloads the manifest after TTL). */
export const STEERING_TTL_SECONDS = 15;
const MAX_REPORT_BYTES = 4096;
const MAX_REPORTS = 20;

const regionParam = z.object({
  region: z.string().regex(/^[A-Za-z]{2}$/, "must be a two-letter region code").transform((r) => r.toUpperCase()),
});

/** A query value as hls.js may send it: plain or in double quotes. */
function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

const reportShape = z.object({
  pathway: z.string().max(16),
  kind: z.enum(["error", "throughput"]),
  /** Bits per second for throughput; optional for errors. */
  value: z.number().finite().min(0).max(1e12).optional(),
});
/** The playback token of the session reporting (it names the viewer and its region). */
const reportToken = z.string().min(1).max(2048);
const reportBody = z.union([
  reportShape.extend({ token: reportToken }),
  z.object({ token: reportToken, reports: z.array(reportShape).min(1).max(MAX_REPORTS) }),
]);

/** The reporter behind a playback token (from `address`), when it is valid and for `region`; else null (its samples are not counted). */
async function reporterIn(env: Env, region: string, token: string | undefined, address: string | undefined): Promise<ReporterIds | null> {
  if (!token) return null;
  try {
    const claims = await verifyPlaybackToken(env, token);
    return claims.cc === region ? await reporterIds(env, claims, address) : null;
  } catch {
    return null;
  }
}

/**
 * HLS Content Steering: the steering manifest per region, and player reports
 * (errors, throughput) that feed each pathway's health.
 *
 * Only viewers count: a report carries the playback token of the session that
 * made it, and the steering URI in the master carries it too (`?token=`, kept
 * current by the player's loader). The token decides the region a sample counts
 * for and who reported it: errors count once per account and once per network
 * (steering-policy), and only for a session that was served media
 * (steering-state).
 * Without a valid token the manifest is still answered — a player is never
 * refused a priority — but nothing it says is counted.
 *
 * The playback token is the only credential here: the routes are mounted
 * before the session middleware (app.ts), so a player whose 15-minute access
 * token expired mid-film still steers, and a poll reads no account's object.
 * Reports reach the region's leader through the report shards within about two
 * seconds (docs/SCALING.md §6.5), so a demotion shows that much later.
 */
export const steering = new Hono<AppEnv>()
  .get("/:region", validate("param", regionParam), async (c) => {
    const { region } = c.req.valid("param");
    const samples: PathwaySample[] = [];
    const token = c.req.query("token");
    const reporter = await reporterIn(c.env, region, token, c.req.header("cf-connecting-ip"));
    const pathway = unquote(c.req.query("_HLS_pathway"));
    const throughput = Number(unquote(c.req.query("_HLS_throughput")));
    // hls.js reports the throughput it measured on the pathway it is using; malformed values are ignored, not refused.
    if (reporter && pathway && findPathway(c.env, pathway) && Number.isFinite(throughput) && throughput > 0) {
      samples.push({ pathway, kind: "throughput", value: throughput, ...reporter });
    }
    // The sample waits in the isolate's batch (media/steering.ts), after the response: the poll never waits for it.
    if (samples.length) await afterResponse(c, queueReports(c.env, region, samples));
    const priority = await steeringPriority(c.env, region);
    return c.json(
      {
        VERSION: 1,
        TTL: STEERING_TTL_SECONDS,
        // A valid token rides along on reloads; a dead one is dropped rather than sent every 15 s.
        "RELOAD-URI": `/api/steering/${region}${reporter && token ? `?token=${token}` : ""}`,
        "PATHWAY-PRIORITY": priority,
      },
      200,
      { "Cache-Control": "no-store" },
    );
  })
  .post("/report", async (c) => {
    // sendBeacon posts text/plain, so the body is read as text whatever its type.
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > MAX_REPORT_BYTES) throw new AppError(413, "payload_too_large", "A report is at most 4 KiB.");
    const text = await c.req.text();
    if (text.length > MAX_REPORT_BYTES) throw new AppError(413, "payload_too_large", "A report is at most 4 KiB.");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError(400, "invalid_json", "The report must be JSON.");
    }
    const parsed = reportBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(400, "invalid_json", `${issue?.path.join(".") || "report"}: ${issue?.message ?? "invalid"}`);
    }
    const { token } = parsed.data;
    const reports = "reports" in parsed.data ? parsed.data.reports : [parsed.data];
    // An invalid or expired token is refused (403) like on the media route; the region is the token's.
    const claims = await verifyPlaybackToken(c.env, token);
    const ids = await reporterIds(c.env, claims, c.req.header("cf-connecting-ip"));
    const samples: PathwaySample[] = [];
    for (const r of reports) {
      if (!findPathway(c.env, r.pathway) || (r.kind === "throughput" && !r.value)) continue;
      samples.push({ pathway: r.pathway, kind: r.kind, value: r.value ?? 0, ...ids });
    }
    // Batched with the isolate's other reports for at most a second, then merged through the region's report shard.
    if (samples.length) await afterResponse(c, queueReports(c.env, claims.cc, samples));
    return c.json({ accepted: samples.length }, 202);
  });
