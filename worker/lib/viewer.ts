import type { Plan } from "../../common/plans.ts";

/** The viewerId of the signed-out demo viewer of local development (no account behind it). */
export const DEMO_VIEWER_ID = "demo";

/** Who is asking, as far as catalog and playback rules care: where, when, up to which maturity age, on which plan. */
export interface Viewer {
  /** Stable id the playback token is bound to (DEMO_VIEWER_ID for the signed-out demo viewer). */
  viewerId: string;
  /** ISO 3166-1 alpha-2 country the request comes from. */
  country: string;
  /** The instant availability windows are judged at (epoch ms). */
  nowMs: number;
  /** Highest maturity age this viewer may see. */
  maxMaturityAge: number;
  /** The subscription plan, which caps the rendition height. */
  plan: Plan;
  /** The locale catalog text is wanted in (canonical `ll` or `ll-RR`, worker/catalog/localise.ts); absent: English. */
  locale?: string;
  /** The signed-in account opted out of QoE collection (its access token says so; entitlement puts it in the playback token). Absent: not opted out (the demo viewer). */
  qoeOptOut?: boolean;
}
