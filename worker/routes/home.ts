/**
 * `GET /api/home`: the hero and the rows of the current profile's Home, and its
 * onboarding step. The rows and their KV cache are worker/home/ (load-home.ts
 * composes them); this route reads the request (device class, local hour) and
 * answers. `X-Home-Cache: hit|miss` says whether the rows came from the cache.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env.ts";
import { requireProfile } from "../auth/session.ts";
import { database } from "../db/client.ts";
import { loadHome } from "../home/load-home.ts";
import { saveOnboarding } from "../home/taste-events.ts";
import { deviceLabel } from "../lib/device-label.ts";
import { isDevelopment } from "../lib/environment.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import type { DeviceClass } from "../recs/types.ts";
import type { CachedHome } from "../home/rows.ts";
import type { LocalisedCard } from "../db/catalog.ts";
import type { ContinueItem } from "../progress/continue-watching.ts";
import type { ScheduleItem } from "../schedule/events.ts";
import type { TypedResponse } from "hono/types";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";

const homeQuery = z.object({
  device: z.enum(["tv", "desktop", "phone"]).optional(),
  /** Development only (benchmarks): `miss` skips the cache read, so the rows are built (and stored) again. */
  cache: z.literal("miss").optional(),
  /** Local hour (0-23) from the client's clock; otherwise from request.cf.timezone. */
  hour: z.coerce.number().int().min(0).max(23).optional(),
});
const onboardingBody = z.object({
  titleIds: z
    .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
    .max(10)
    .refine((ids) => new Set(ids).size === ids.length, "must not repeat a title"),
});

/** What Home answers from its rows (cached or built). */
interface HomeRows {
  hero: CachedHome["hero"];
  rows: CachedHome["rows"];
  aboveFold: number;
  onboarding: { choices: LocalisedCard[] } | null;
  builtAt: number;
}

/** What Home answers afresh on every visit. */
interface HomeRest {
  continueWatching: ContinueItem[];
  liveNow: ScheduleItem[];
  comingUp: ScheduleItem[];
  device: DeviceClass;
  serverTime: number;
}

/** A JSON answer made as text; typed as `c.json` types it, for the SPA's client. */
type JSONRespondReturn<T, U extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, U, "json">;

/**
 * The rows' part of Home's answer as JSON (no braces), made once per rows object: a repeat visit
 * is answered with the same object while no card's window has changed (rows-cache.ts `shownAt`), so
 * a KV hit served from the isolate's memory serialises only Continue Watching and the schedule.
 */
const rowsTexts = new WeakMap<CachedHome, Uint8Array>();
const utf8 = new TextEncoder();
function rowsJson(home: CachedHome): Uint8Array {
  let text = rowsTexts.get(home);
  if (text === undefined) {
    const rows: HomeRows = {
      hero: home.hero,
      rows: home.rows,
      aboveFold: home.aboveFold,
      onboarding: home.onboarding && home.onboarding.length > 0 ? { choices: home.onboarding } : null,
      builtAt: home.builtAt,
    };
    text = utf8.encode(`{${JSON.stringify(rows).slice(1, -1)},`);
    rowsTexts.set(home, text);
  }
  return text;
}

/** The device class: the client says (it knows when TV mode is forced); else the User-Agent. */
function deviceClass(c: Context<AppEnv>, asked: DeviceClass | undefined): DeviceClass {
  if (asked) return asked;
  const label = deviceLabel(c.req.header("user-agent"));
  return label === "TV" ? "tv" : label === "Phone" ? "phone" : "desktop";
}

/** Local hour of the viewer: asked, or from Cloudflare's timezone of the client, or UTC. */
function localHour(c: Context<AppEnv>, asked: number | undefined, nowMs: number): number {
  if (asked !== undefined) return asked;
  const tz = (c.req.raw.cf as { timezone?: unknown } | undefined)?.timezone;
  if (typeof tz === "string") {
    try {
      return Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: tz }).format(nowMs)) % 24;
    } catch {
      // an unknown zone: fall through to UTC
    }
  }
  return new Date(nowMs).getUTCHours();
}

/** The current profile's Home (signed out: the shared home for the region), and its onboarding step. */
export const homeRoutes = new Hono<AppEnv>()
  .get("/", validate("query", homeQuery), async (c) => {
    const viewer = c.get("viewer");
    const query = c.req.valid("query");
    const device = deviceClass(c, query.device);
    const hour = localHour(c, query.hour, viewer.nowMs);
    if (query.cache === "miss" && !isDevelopment(c.env)) throw new AppError(403, "dev_only", "Skipping the cache is only available in local development.");
    const { home, continueWatching: continuing, schedule, cache } = await loadHome(c.env, {
      viewer,
      session: c.get("session"),
      device,
      localHour: hour,
      skipCache: query.cache === "miss",
      waitUntil: (p) => c.executionCtx.waitUntil(p),
    });
    c.header("X-Home-Cache", cache);
    const rest: HomeRest = { continueWatching: continuing, liveNow: schedule.liveNow, comingUp: schedule.comingUp, device, serverTime: viewer.nowMs };
    // The rows' JSON as made for this rows object before, and what changes on every visit made now.
    const head = rowsJson(home);
    const tail = utf8.encode(JSON.stringify(rest).slice(1));
    const body = new Uint8Array(head.length + tail.length);
    body.set(head);
    body.set(tail, head.length);
    return c.body(body, 200, { "Content-Type": "application/json" }) as unknown as JSONRespondReturn<HomeRows & HomeRest, 200>;
  })
  // Onboarding: "pick three you like" (or skip with an empty list); the next home is personal at once.
  .post("/onboarding", validate("json", onboardingBody), async (c) => {
    const { profile, account } = requireProfile(c);
    const { titleIds } = c.req.valid("json");
    if (titleIds.length > 0 && titleIds.length < 3) throw new AppError(400, "invalid_json", "titleIds: pick at least three titles, or none to skip.");
    await saveOnboarding(c.env, account.id, profile.id, { titleIds, atMs: Date.now() });
    return c.json({ titleIds });
  });
