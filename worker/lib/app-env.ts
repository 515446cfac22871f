import type { Session } from "../auth/session.ts";
import type { Plan } from "../../common/plans.ts";

/** Who is asking, as far as catalog and playback rules care: where, when, up to which maturity age, on which plan. */
export interface Viewer {
  /** Stable id the playback token is bound to ("demo" until accounts exist). */
  viewerId: string;
  /** ISO 3166-1 alpha-2 country the request comes from. */
  country: string;
  /** The instant availability windows are judged at (epoch ms). */
  nowMs: number;
  /** Highest maturity age this viewer may see (18 until profiles exist). */
  maxMaturityAge: number;
  /** The subscription plan, which caps the rendition height. */
  plan: Plan;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    viewer: Viewer;
    /** The signed-in account and chosen profile, when the request carries a valid access token. */
    session?: Session;
    /** Why the request's access token was refused (answered 401 outside /api/auth). */
    sessionProblem?: "session_expired" | "invalid_session";
  };
};
