/** The app's Hono environment: the Worker's bindings and what middleware put on the request context. */
import type { Plan } from "../common/plans.ts";
import type { ProfileFacts } from "./auth/session-tokens.ts";
import type { Viewer } from "./lib/viewer.ts";

export type { Viewer };

export type { ProfileFacts };

/**
 * The signed-in account on this request, with the profile chosen on this device
 * (if any): the access token's facts, verified without a storage read. Routes
 * that need more of the account or profile (e-mail, password hash, PIN, home
 * version) read it themselves.
 */
export interface Session {
  sessionId: string;
  account: { id: string; plan: Plan };
  profile: ProfileFacts | null;
  /** The account's QoE opt-out as the token states it (a change elsewhere sends older tokens to refresh on personal routes). */
  qoeOptOut: boolean;
  /** When this request's access token was issued (epoch ms); the account's object refuses tokens older than a change of its facts. */
  accessIssuedAt: number;
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
    /** The DB binding itself, outside the request's D1 session (middleware/d1-session.ts): its reads are the primary's, never a lagging replica's. */
    primaryDb?: D1Database;
  };
};
