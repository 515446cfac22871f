/**
 * Who a steering report comes from, as keyed hashes: the account (the playback
 * token's subject), the client's network (an IPv4 address or an IPv6 /64,
 * lib/client-network.ts) and the playback session (account and asset). The
 * steering objects count distinct accounts and networks and check that media
 * was served to the session, but store none of the three in the clear: HMAC
 * under the current playback key, which no one without the secret can reverse
 * by trying likely values. A rotation of that key renames everyone, which only
 * restarts the counts.
 */
import { clientNetwork } from "../lib/client-network.ts";
import { playbackKeys, type PlaybackClaims } from "./tokens.ts";

/** A playback session that was served media, until its token expires (steering-state.ts counts only such sessions' reports). */
export interface ServedMark {
  /** Keyed hash of the session (sessionId). */
  session: string;
  untilMs: number;
}

export interface ReporterIds {
  /** The account. */
  reporter: string;
  /** The client's network. */
  network: string;
  /** The playback session: the account and the asset it plays. */
  session: string;
}

/** An HMAC of `value` for `purpose` under the current playback key, as 32 hex digits: an id that names no one. */
export async function keyedHash(env: Env, purpose: string, value: string): Promise<string> {
  const keySet = await playbackKeys(env);
  const mac = await crypto.subtle.sign("HMAC", keySet.keys.get(keySet.currentKid)!, new TextEncoder().encode(`steering\u0000${purpose}\u0000${value}`));
  return Array.from(new Uint8Array(mac).subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The playback session a token belongs to (a renewed token of the same asset is the same session). */
export function sessionId(env: Env, claims: Pick<PlaybackClaims, "sub" | "pfx">): Promise<string> {
  return keyedHash(env, "session", `${claims.sub}\u0000${claims.pfx}`);
}

/** The keyed identities of a report made with `claims` from `address` (`cf-connecting-ip`; absent: one shared "unknown" network). */
export async function reporterIds(env: Env, claims: Pick<PlaybackClaims, "sub" | "pfx">, address: string | undefined): Promise<ReporterIds> {
  const [reporter, network, session] = await Promise.all([
    keyedHash(env, "account", claims.sub),
    keyedHash(env, "network", clientNetwork(address ?? "") ?? "unknown"),
    sessionId(env, claims),
  ]);
  return { reporter, network, session };
}
