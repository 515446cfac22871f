import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contentKeks, DEV_KEK_SEED, parseKekSet, rewrapContentKey, unwrapContentKey, unwrapContentKeyCached, wrapContentKey } from "../../../worker/lib/content-keys.ts";

const key = () => crypto.getRandomValues(new Uint8Array(16));
const secret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const binding = { keyPrefix: "assets/t1-x/", tier: "HD", keyIdHex: "0123456789abcdef0123456789abcdef" };

describe("content key wrapping", () => {
  it("unwraps what it wrapped, under the secret's current KEK", async () => {
    const keks = await contentKeks(env.CONTENT_KEKS, false);
    const raw = key();
    const wrapped = await wrapContentKey(keks, binding, raw);
    expect(wrapped.kekId).toBe(keks.currentKid);
    expect(wrapped.wrappedKey).not.toContain(btoa(String.fromCharCode(...raw)).slice(0, 16));
    expect(await unwrapContentKey(keks, binding, wrapped)).toEqual(raw);
  });

  it("refuses a wrapped key moved to another folder, tier or key id, or with one bit flipped", async () => {
    const keks = await contentKeks(env.CONTENT_KEKS, false);
    const wrapped = await wrapContentKey(keks, binding, key());
    await expect(unwrapContentKey(keks, { ...binding, keyPrefix: "assets/t2-x/" }, wrapped)).rejects.toThrow();
    await expect(unwrapContentKey(keks, { ...binding, tier: "UHD" }, wrapped)).rejects.toThrow();
    await expect(unwrapContentKey(keks, { ...binding, keyIdHex: "f".repeat(32) }, wrapped)).rejects.toThrow();
    const flipped = wrapped.wrappedKey.slice(0, 20) + (wrapped.wrappedKey[20] === "A" ? "B" : "A") + wrapped.wrappedKey.slice(21);
    await expect(unwrapContentKey(keks, binding, { ...wrapped, wrappedKey: flipped })).rejects.toThrow();
  });

  it("re-wraps under a new current KEK; the old KEK can then be dropped", async () => {
    const oldSecret = secret();
    const before = await parseKekSet(JSON.stringify({ current: "k1", keys: { k1: oldSecret } }));
    const raw = key();
    const wrapped = await wrapContentKey(before, binding, raw);
    const during = await parseKekSet(JSON.stringify({ current: "k2", keys: { k1: oldSecret, k2: secret() } }));
    const rewrapped = await rewrapContentKey(during, binding, wrapped);
    expect(rewrapped.kekId).toBe("k2");
    const after: typeof during = { currentKid: "k2", keys: new Map([["k2", during.keys.get("k2")!]]) };
    expect(await unwrapContentKey(after, binding, rewrapped)).toEqual(raw);
    await expect(unwrapContentKey(after, binding, wrapped)).rejects.toThrow(/unknown KEK/);
  });

  it("remembers an unwrapped key only for the same KEK set and the same wrapping, and never a refusal", async () => {
    const oldSecret = secret();
    const before = await parseKekSet(JSON.stringify({ current: "k1", keys: { k1: oldSecret } }));
    const raw = key();
    const wrapped = await wrapContentKey(before, binding, raw);
    expect(await unwrapContentKeyCached(before, binding, wrapped)).toEqual(raw);
    expect(await unwrapContentKeyCached(before, binding, wrapped)).toEqual(raw);
    // A tampered row is refused every time, though its good twin was unwrapped before.
    const tampered = { ...wrapped, wrappedKey: wrapped.wrappedKey.slice(0, 20) + (wrapped.wrappedKey[20] === "A" ? "B" : "A") + wrapped.wrappedKey.slice(21) };
    await expect(unwrapContentKeyCached(before, binding, tampered)).rejects.toThrow();
    await expect(unwrapContentKeyCached(before, { ...binding, tier: "UHD" }, wrapped)).rejects.toThrow();
    // After a rotation the re-wrapped row unwraps under the new set; a set without k1 unwraps nothing under k1, cached or not.
    const during = await parseKekSet(JSON.stringify({ current: "k2", keys: { k1: oldSecret, k2: secret() } }));
    const rewrapped = await rewrapContentKey(during, binding, wrapped);
    const after: typeof during = { currentKid: "k2", keys: new Map([["k2", during.keys.get("k2")!]]) };
    expect(await unwrapContentKeyCached(after, binding, rewrapped)).toEqual(raw);
    await expect(unwrapContentKeyCached(after, binding, wrapped)).rejects.toThrow(/unknown KEK/);
  });

  it("fails closed in production without the secret or with a malformed one, and uses the development KEK locally", async () => {
    await expect(contentKeks(undefined, false)).rejects.toMatchObject({ status: 503, code: "licence_unavailable" });
    await expect(contentKeks('{"current":"a","keys":{"a":"c2hvcnQ"}}', false)).rejects.toMatchObject({ status: 503 });
    // A 32-byte HMAC-style secret of the wrong length for AES-256 is refused too.
    await expect(parseKekSet(JSON.stringify({ current: "a", keys: { a: secret() + secret() } }))).rejects.toThrow(/32 bytes/);
    expect((await contentKeks(undefined, true)).currentKid).toBe("dev");
    expect((await parseKekSet(DEV_KEK_SEED)).currentKid).toBe("dev");
  });
});
