import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./lib/app-env.ts";
import { errorBody, onError } from "./lib/errors.ts";
import { CSP_DIRECTIVES } from "./lib/security.ts";
import { viewerContext } from "./lib/viewer.ts";
import { sameOriginWrites } from "./auth/csrf.ts";
import { sessionContext } from "./auth/session.ts";
import { accountRoutes } from "./routes/account.ts";
import { artwork } from "./routes/artwork.ts";
import { auth } from "./routes/auth.ts";
import { catalog } from "./routes/catalog.ts";
import { dev } from "./routes/dev.ts";
import { media } from "./routes/media.ts";
import { myListRoutes } from "./routes/my-list.ts";
import { playback } from "./routes/playback.ts";
import { changesTaste, homeRoutes } from "./routes/home.ts";
import { historyRoutes, progressRoutes } from "./routes/progress.ts";
import { profiles } from "./routes/profiles.ts";
import { ratingRoutes } from "./routes/ratings.ts";
import { search } from "./routes/search.ts";
import { steering } from "./routes/steering.ts";

/** API responses are personal (region, later profile) unless a route says otherwise. */
function noStoreByDefault() {
  return async function noStoreByDefault(c: import("hono").Context, next: () => Promise<void>) {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}

const api = new Hono<AppEnv>()
  .use(noStoreByDefault())
  .use(sameOriginWrites())
  .use(sessionContext())
  // Mounted before viewerContext on purpose: refresh and sign-out must work with an expired access token.
  .route("/auth", auth)
  .use(viewerContext())
  .route("/profiles", profiles)
  .use("/my-list/*", changesTaste())
  .use("/ratings/*", changesTaste())
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
  .route("/steering", steering)
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
