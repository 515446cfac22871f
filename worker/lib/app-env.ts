/** Who is asking, as far as catalog rules care: where, when, and up to which maturity age. */
export interface Viewer {
  /** ISO 3166-1 alpha-2 country the request comes from. */
  country: string;
  /** The instant availability windows are judged at (epoch ms). */
  nowMs: number;
  /** Highest maturity age this viewer may see (18 until profiles exist). */
  maxMaturityAge: number;
}

export type AppEnv = { Bindings: Env; Variables: { viewer: Viewer } };
