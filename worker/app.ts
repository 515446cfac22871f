import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env.ts";
import { errorBody, onError } from "./lib/errors.ts";
import { CSP_DIRECTIVES } from "./lib/security.ts";
import { d1Session } from "./middleware/d1-session.ts";
import { endedSessionPlayback } from "./middleware/ended-session-playback.ts";
import { noStoreByDefault } from "./middleware/no-store.ts";
import { sameOriginWrites } from "./middleware/same-origin-writes.ts";
import { sessionContext } from "./middleware/session-context.ts";
import { sessionGuard } from "./middleware/session-guard.ts";
import { viewerContext } from "./middleware/viewer-context.ts";
import { accountRoutes } from "./routes/account.ts";
import { artwork } from "./routes/artwork.ts";
import { auth } from "./routes/auth.ts";
import { catalog } from "./routes/catalog.ts";
import { dev } from "./routes/dev.ts";
import { devLoad } from "./routes/dev-load.ts";
import { downloads } from "./routes/downloads.ts";
import { live } from "./routes/live.ts";
import { media } from "./routes/media.ts";
import { myListRoutes } from "./routes/my-list.ts";
import { playback } from "./routes/playback.ts";
import { homeRoutes } from "./routes/home.ts";
import { licence } from "./routes/licence.ts";
import { historyRoutes, progressRoutes } from "./routes/progress.ts";
import { opsRoutes } from "./routes/ops.ts";
import { profiles } from "./routes/profiles.ts";
import { qoeRoutes } from "./routes/qoe.ts";
import { ratingRoutes } from "./routes/ratings.ts";
import { scheduleRoutes } from "./routes/schedule.ts";
import { search } from "./routes/search.ts";
import { steering } from "./routes/steering.ts";

const api = new Hono<AppEnv>()
  .use(noStoreByDefault())
  .use(sameOriginWrites())
  // Before the session middleware on purpose: a player steers with its playback token alone, so an expired access
  // token (a film outlasts its 15 minutes) is no 401 and a poll asks no account's object (docs/SCALING.md §6.5).
  .route("/steering", steering)
  .use(d1Session())
  .use(sessionContext())
  // Personal routes only: the account's object says whether the session was revoked (catalog reads trust the token).
  .use(sessionGuard())
  // Mounted before viewerContext on purpose: refresh and sign-out must work with an expired access token.
  .route("/auth", auth)
  // Encoders, not viewers: authenticated by the channel's ingest secret, before any viewer context.
  .route("/live", live)
  // Before viewerContext, which would answer a revoked session's licence renewal with a bare 401.
  .use("/licence/*", endedSessionPlayback())
  .use(viewerContext())
  .route("/profiles", profiles)
  .route("/my-list", myListRoutes)
  .route("/ratings", ratingRoutes)
  .route("/home", homeRoutes)
  .route("/progress", progressRoutes)
  .route("/history", historyRoutes)
  .route("/account", accountRoutes)
  .route("/catalog", catalog)
  .route("/artwork", artwork)
  .route("/search", search)
  .route("/playback", playback)
  .route("/licence", licence)
  .route("/downloads", downloads)
  .route("/qoe", qoeRoutes)
  .route("/ops", opsRoutes)
  .route("/schedule", scheduleRoutes)
  // Before /dev: its counters answer 404 in production, where the rest of /dev answers 403.
  .route("/dev/load", devLoad)
  .route("/dev", dev);

/** The whole Worker app: security headers everywhere, the API under /api, token-checked media under /cdn. */
export const app = new Hono<AppEnv>()
  .use(
    secureHeaders({
      contentSecurityPolicy: CSP_DIRECTIVES as unknown as Record<string, string[]>,
      strictTransportSecurity: "max-age=31536000; includeSubDomains",
      xFrameOptions: "DENY",
      referrerPolicy: "strict-origin-when-cross-origin",
      crossOriginResourcePolicy: false,
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
    }),
  )
  .route("/api", api)
  .route("/cdn", media);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));
app.onError(onError);

export type AppType = typeof app;
