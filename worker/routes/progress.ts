/**
 * Watch progress, continue watching, viewing history and live sync, for the
 * chosen profile. The account's ViewerState object holds the state; D1 says
 * what a write points at and turns ids into cards the profile may see.
 *
 * `POST /api/progress` takes JSON or `text/plain` (the same JSON), so a player
 * can `navigator.sendBeacon` its last position on `pagehide`.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { titleIdParam } from "../../common/schemas.ts";
import { requireProfile } from "../auth/session.ts";
import { siteOrigin } from "../lib/environment.ts";
import { database } from "../db/client.ts";
import { episodesById, visibleCards } from "../db/progress.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import type { ProgressEntry } from "../progress/model.ts";
import { continueWatching } from "../progress/continue-watching.ts";
import { recordProgress } from "../progress/record.ts";
import { viewerState } from "../progress/stub.ts";

/** A progress body is a few hundred bytes; anything far larger is refused unread. */
const MAX_BODY_BYTES = 4 * 1024;
/** Clocks before 2020 or after 2100 are broken, not skewed. */
const MIN_CLIENT_TIME = Date.UTC(2020, 0, 1);
const MAX_CLIENT_TIME = Date.UTC(2100, 0, 1);

const opaqueId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8-64 letters, digits, '-' or '_'");
const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const progressBody = z
  .object({
    opId: opaqueId,
    titleId: positiveId,
    episodeId: positiveId.nullable().optional(),
    positionSeconds: z.number().min(0).max(86_400),
    durationSeconds: z.number().positive().max(86_400),
    clientTime: z.number().int().min(MIN_CLIENT_TIME).max(MAX_CLIENT_TIME),
    deviceId: opaqueId,
    deviceName: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .refine((n) => !/[\p{Cc}\p{Cf}]/u.test(n), "must not contain control characters")
      .optional(),
    event: z.enum(["tick", "pause", "seek", "ended", "pagehide"]).optional(),
  })
  // One second of slack: players report the end as the media's last timestamp.
  .refine((b) => b.positionSeconds <= b.durationSeconds + 1, { path: ["positionSeconds"], message: "must not exceed durationSeconds" });

const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z
    .string()
    .regex(/^\d{1,16}\.\d{1,16}\.\d{1,16}$/, "must be a cursor from a previous page")
    .transform((s) => {
      const [finishedAt, titleId, episodeId] = s.split(".").map(Number) as [number, number, number];
      return { finishedAt, titleId, episodeId };
    })
    .optional(),
});

/** The body as JSON, whichever of the two accepted content types carried it. */
async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && type !== "text/plain") {
    throw new AppError(415, "unsupported_media_type", "Send the progress as application/json or text/plain JSON.");
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(400, "invalid_json", "The body is not valid JSON.");
  }
}

function entryForClient(e: ProgressEntry) {
  const { profileId: _profileId, ...rest } = e;
  return rest;
}

/** Progress of the chosen profile: save a position, continue watching, one title's positions, live sync. */
export const progressRoutes = new Hono<AppEnv>()
  .post(
    "/",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError(413, "payload_too_large", `A progress update is at most ${MAX_BODY_BYTES} bytes.`);
      },
    }),
    async (c) => {
      const { account, profile } = requireProfile(c);
      const parsed = progressBody.safeParse(await jsonBody(c));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
        throw new AppError(400, "invalid_json", `${where}${issue?.message ?? "invalid input"}`);
      }
      const result = await recordProgress(c.env, c.get("viewer"), { accountId: account.id, profileId: profile.id }, parsed.data, c.req.header("user-agent"));
      return c.json({ applied: result.applied, entry: result.entry ? entryForClient(result.entry) : null });
    },
  )
  .get("/continue", async (c) => {
    const { account, profile } = requireProfile(c);
    return c.json({ items: await continueWatching(c.env, c.get("viewer"), account.id, profile.id) });
  })
  .get("/title/:titleId", validate("param", titleIdParam), async (c) => {
    const { account, profile } = requireProfile(c);
    const { titleId } = c.req.valid("param");
    const cards = await visibleCards(database(c.env.DB), c.get("viewer"), [titleId]);
    if (!cards.has(titleId)) throw new AppError(404, "title_not_found", "No such title here.");
    const items = (await viewerState(c.env, account.id).titleEntries(profile.id, titleId)).map(entryForClient);
    return c.json({ latest: items[0] ?? null, items });
  })
  .get("/live", async (c) => {
    const session = requireProfile(c);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new AppError(426, "upgrade_required", "Open this URL as a WebSocket.");
    }
    // Cross-site WebSocket hijacking: a browser always sends Origin on a WebSocket handshake.
    if (c.req.header("origin") !== siteOrigin(c.env, c.req.url)) {
      throw new AppError(403, "cross_site", "This request did not come from this site.");
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set(
      "x-socket-attachment",
      JSON.stringify({ profileId: session.profile.id, sessionId: session.sessionId, expiresAt: session.accessExpiresAt }),
    );
    const upgraded = await viewerState(c.env, session.account.id).fetch(new Request(c.req.url, { headers }));
    // The object's 101 has immutable headers; a fresh one lets the app's header middleware run.
    return upgraded.webSocket ? new Response(null, { status: 101, webSocket: upgraded.webSocket }) : upgraded;
  });

/** Viewing history of the chosen profile: finished titles and episodes; remove one title, or clear it all. */
export const historyRoutes = new Hono<AppEnv>()
  .get("/", validate("query", historyQuery), async (c) => {
    const { account, profile } = requireProfile(c);
    const { limit, cursor } = c.req.valid("query");
    const rows = await viewerState(c.env, account.id).history(profile.id, limit, cursor && { ...cursor });
    const db = database(c.env.DB);
    const [cards, episodes] = await Promise.all([
      visibleCards(db, c.get("viewer"), rows.map((r) => r.titleId)),
      episodesById(db, rows.flatMap((r) => (r.episodeId === null ? [] : [r.episodeId]))),
    ]);
    const items = rows.flatMap((r) => {
      const title = cards.get(r.titleId);
      return title ? [{ title, episode: r.episodeId === null ? null : (episodes.get(r.episodeId) ?? null), finishedAt: r.finishedAt }] : [];
    });
    const last = rows.at(-1);
    return c.json({ items, nextCursor: rows.length === limit && last ? `${last.finishedAt}.${last.titleId}.${last.episodeId ?? 0}` : null });
  })
  .delete("/:titleId", validate("param", titleIdParam), async (c) => {
    const { account, profile } = requireProfile(c);
    await viewerState(c.env, account.id).removeHistory(profile.id, c.req.valid("param").titleId);
    return c.body(null, 204);
  })
  .delete("/", async (c) => {
    const { account, profile } = requireProfile(c);
    await viewerState(c.env, account.id).removeHistory(profile.id, null);
    return c.body(null, 204);
  });
