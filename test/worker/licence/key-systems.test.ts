import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearKey } from "../../../worker/licence/key-systems.ts";
import { AppError } from "../../../worker/lib/errors.ts";

const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const encode = (text: string) => new TextEncoder().encode(text);

describe("the ClearKey key system", () => {
  it("reads the key ids of every well-formed request, deduplicated, as hex", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 16 }), fc.constantFrom(undefined, "temporary"), (kids, type) => {
        const ids = clearKey.requestedKeyIds(encode(JSON.stringify({ kids: kids.map(b64url), ...(type ? { type } : {}) })));
        expect(ids).toEqual([...new Set(kids.map(hex))]);
      }),
    );
  });

  it("answers anything else with a 400 AppError, never another exception", () => {
    const anyBody = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.jsonValue().map((v) => encode(JSON.stringify(v))),
      fc.record({ kids: fc.array(fc.string({ maxLength: 30 }), { maxLength: 20 }), type: fc.string({ maxLength: 20 }) }, { requiredKeys: [] }).map((v) => encode(JSON.stringify(v))),
    );
    fc.assert(
      fc.property(anyBody, (body) => {
        try {
          const ids = clearKey.requestedKeyIds(body);
          // Only a well-formed request gets here: 1–16 ids of 32 hex digits.
          expect(ids.length).toBeGreaterThan(0);
          expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).status).toBe(400);
        }
      }),
    );
  });

  it("writes a licence as the W3C JSON Web Key set Chromium's ClearKey CDM reads", () => {
    const kid = "000102030405060708090a0b0c0d0e0f";
    const key = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);
    const { body, contentType } = clearKey.licence({ keys: [{ keyIdHex: kid, key }], expiresAtMs: 0 });
    expect(contentType).toBe("application/json");
    expect(JSON.parse(body as string)).toEqual({ keys: [{ kty: "oct", kid: "AAECAwQFBgcICQoLDA0ODw", k: b64url(key) }], type: "temporary" });
  });
});
