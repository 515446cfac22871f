/**
 * CDN pathways for HLS Content Steering, configured in wrangler.toml
 * (`PATHWAYS`, JSON `[{ "id": "a", "baseUrl": "" }, …]`, in default priority
 * order). An empty `baseUrl` means this Worker's own origin, so locally the
 * pathways are path prefixes (`/cdn/a/…`, `/cdn/b/…`) on one origin; in
 * production each is its own CDN hostname in front of this Worker.
 */
import { z } from "zod";
import { cdnPath } from "../../common/cdn-url.ts";
import { AppError } from "../lib/errors.ts";

export interface Pathway {
  /** PATHWAY-ID in playlists and the steering manifest; also the path prefix under /cdn/. */
  id: string;
  /** Origin the pathway's media URLs start with ("" = same origin), no trailing slash. */
  baseUrl: string;
}

/** Pathway ids: safe in a URL path and in a PATHWAY-ID attribute. */
export const PATHWAY_ID = /^[A-Za-z0-9_-]{1,16}$/;

const pathwaysShape = z
  .array(
    z.object({
      id: z.string().regex(PATHWAY_ID),
      baseUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""))]),
    }),
  )
  .min(1)
  .max(8)
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, "pathway ids must be unique");

let cached: { source: string; pathways: Pathway[] } | undefined;

/** The configured pathways (parsed once per isolate); a broken setting is a 503, not a 500. */
export function pathways(env: Env): Pathway[] {
  const source = env.PATHWAYS ?? "";
  if (cached?.source === source) return cached.pathways;
  let parsed: Pathway[];
  try {
    parsed = pathwaysShape.parse(JSON.parse(source));
  } catch (err) {
    console.error("PATHWAYS is malformed:", err instanceof Error ? err.message : err);
    throw new AppError(503, "playback_unavailable", "Playback is not configured on this server (no valid pathways).");
  }
  cached = { source, pathways: parsed };
  return parsed;
}

/** The pathway with this id, if configured. */
export function findPathway(env: Env, id: string): Pathway | undefined {
  return pathways(env).find((p) => p.id === id);
}

/** Path (and origin, if the pathway has its own) of everything under one token and asset folder on a pathway. */
export function mediaBase(pathway: Pathway, token: string, folder: string): string {
  return `${pathway.baseUrl}${cdnPath(pathway.id, token, folder)}`;
}

