/** The app's Hono environment: the Worker's bindings and what middleware put on the request context. */
import type { AccountRow, ProfileRow } from "./db/accounts.ts";
import type { Viewer } from "./lib/viewer.ts";

export type { Viewer };

/** The signed-in account on this request, with the profile chosen on this device (if any). */
export interface Session {
  sessionId: string;
  account: AccountRow;
  profile: ProfileRow | null;
  /** When this request's access token expires (epoch ms); long-lived sockets opened with it close then. */
  accessExpiresAt: number;
}

/** Why a request's access token was refused. */
export type SessionProblem = "session_expired" | "invalid_session";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Set by middleware/viewer-context.ts on every /api request after /api/auth. */
    viewer: Viewer;
    /** The signed-in account and chosen profile, when the request carries a valid access token (middleware/session-context.ts). */
    session?: Session;
    /** Why the request's access token was refused (answered 401 outside /api/auth). */
    sessionProblem?: SessionProblem;
  };
};
