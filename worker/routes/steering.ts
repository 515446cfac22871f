import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../lib/app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { findPathway } from "../media/pathways.ts";
import type { PathwaySample } from "../media/steering-policy.ts";
import { steeringPriority } from "../media/steering.ts";

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
  region: z.string().regex(/^[A-Za-z]{2}$/).optional(),
});
const reportBody = z.union([reportShape, z.array(reportShape).min(1).max(MAX_REPORTS)]);

/**
 * HLS Content Steering: the steering manifest per region, and player reports
 * (errors, throughput) that feed each pathway's health.
 */
export const steering = new Hono<AppEnv>()
  .get("/:region", validate("param", regionParam), async (c) => {
    const { region } = c.req.valid("param");
    const samples: PathwaySample[] = [];
    const pathway = unquote(c.req.query("_HLS_pathway"));
    const throughput = Number(unquote(c.req.query("_HLS_throughput")));
    // hls.js reports the throughput it measured on the pathway it is using; malformed values are ignored, not refused.
    if (pathway && findPathway(c.env, pathway) && Number.isFinite(throughput) && throughput > 0) {
      samples.push({ pathway, kind: "throughput", value: throughput });
    }
    const priority = await steeringPriority(c.env, region, samples);
    return c.json(
      {
        VERSION: 1,
        TTL: STEERING_TTL_SECONDS,
        "RELOAD-URI": `/api/steering/${region}`,
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
    const reports = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const byRegion = new Map<string, PathwaySample[]>();
    let accepted = 0;
    for (const r of reports) {
      if (!findPathway(c.env, r.pathway) || (r.kind === "throughput" && !r.value)) continue;
      const region = (r.region ?? c.get("viewer").country).toUpperCase();
      byRegion.set(region, [...(byRegion.get(region) ?? []), { pathway: r.pathway, kind: r.kind, value: r.value ?? 0 }]);
      accepted++;
    }
    // Errors count at once (they drive failover); throughput rides along with the next steering call.
    await Promise.all([...byRegion].map(([region, samples]) => steeringPriority(c.env, region, samples, samples.some((s) => s.kind === "error"))));
    return c.json({ accepted }, 202);
  });
