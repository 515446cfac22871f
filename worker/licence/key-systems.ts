/**
 * Key systems behind the licence policy. The policy decides which content
 * keys a stream may have (worker/licence/policy.ts); a key system only reads
 * its CDM's licence request (which key ids it asks for) and writes the licence
 * in its own format. ClearKey (W3C EME, JSON) is the one implemented; a
 * Widevine, PlayReady or FairPlay proxy would be one more entry here, handing
 * the same grant to the vendor's licence server as its policy.
 */
import { z } from "zod";
import { AppError } from "../lib/errors.ts";
import { base64url } from "../lib/content-keys.ts";

/** What the policy grants, for a key system to put into its licence. */
export interface LicenceGrant {
  keys: { keyIdHex: string; key: Uint8Array }[];
  /** The licence is good until the next renewal at the latest (epoch ms). */
  expiresAtMs: number;
}

export interface KeySystem {
  /** The EME key system string (`navigator.requestMediaKeySystemAccess`). */
  id: string;
  /** The key ids (32 hex digits each) a CDM licence request asks for; 400 on a malformed request. */
  requestedKeyIds(body: Uint8Array): string[];
  /** The licence response body and its content type. */
  licence(grant: LicenceGrant): { body: string | Uint8Array; contentType: string };
}

const B64URL_KID = /^[A-Za-z0-9_-]{22}$/;

/** A ClearKey licence request (W3C EME §9.1.3): `{"kids":[<base64url key id>],"type":"temporary"}`. */
const clearKeyRequest = z.object({
  kids: z.array(z.string().regex(B64URL_KID, "a key id is base64url of 16 bytes")).min(1).max(16),
  type: z.enum(["temporary", "persistent-license"]).optional(),
});

function kidHex(b64: string): string {
  const bin = atob(b64.replaceAll("-", "+").replaceAll("_", "/") + "==");
  return Array.from(bin, (ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}

const badRequest = (message: string) => new AppError(400, "invalid_json", `Not a ClearKey licence request: ${message}`);

/** W3C ClearKey: JSON request and JSON Web Key set licence, temporary sessions only. */
export const clearKey: KeySystem = {
  id: "org.w3.clearkey",
  requestedKeyIds(body) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      throw badRequest("the body is not JSON");
    }
    const parsed = clearKeyRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest(`${issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`);
    }
    if (parsed.data.type === "persistent-license") throw new AppError(400, "unsupported_key_system", "Only temporary ClearKey sessions are licensed.");
    return [...new Set(parsed.data.kids.map(kidHex))];
  },
  licence(grant) {
    const keys = grant.keys.map((k) => ({
      kty: "oct",
      kid: base64url(Uint8Array.from({ length: 16 }, (_, i) => parseInt(k.keyIdHex.slice(i * 2, i * 2 + 2), 16))),
      k: base64url(k.key),
    }));
    return { body: JSON.stringify({ keys, type: "temporary" }), contentType: "application/json" };
  },
};

/** The key systems this service licenses, by EME id. */
export const KEY_SYSTEMS: Record<string, KeySystem> = { [clearKey.id]: clearKey };
