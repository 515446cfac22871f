import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { folderKeys } from "../../../worker/db/content-keys.ts";
import { parseKekSet, unwrapContentKey, wrapContentKey } from "../../../worker/lib/content-keys.ts";
import { rewrapAll } from "../../../worker/licence/rotate-keks.ts";
import { db } from "../helpers.ts";

const secret = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("rotating the key-encryption key", () => {
  it("re-wraps every stored key under the new KEK, keeps each key's value, and is idempotent", async () => {
    const oldSecret = secret();
    const before = await parseKekSet(JSON.stringify({ current: "rot1", keys: { rot1: oldSecret } }));
    const raw = new Map<string, Uint8Array>();
    const prefixes = ["assets/rot-a/", "assets/rot-b/"];
    for (const keyPrefix of prefixes) {
      for (const tier of ["SD", "HD"] as const) {
        const keyIdHex = hex(crypto.getRandomValues(new Uint8Array(16)));
        const key = crypto.getRandomValues(new Uint8Array(16));
        const w = await wrapContentKey(before, { keyPrefix, tier, keyIdHex }, key);
        await env.DB.prepare("INSERT INTO content_keys VALUES (?, ?, ?, ?, ?, ?)").bind(keyPrefix, tier, keyIdHex, w.wrappedKey, w.kekId, Date.now()).run();
        raw.set(keyIdHex, key);
      }
    }
    const during = await parseKekSet(JSON.stringify({ current: "rot2", keys: { rot1: oldSecret, rot2: secret() } }));
    const first = await rewrapAll(db(), during);
    expect(first.rewrapped).toBeGreaterThanOrEqual(4);
    expect(first.perKek.find((k) => k.kekId === "rot1")).toBeUndefined();
    expect((await rewrapAll(db(), during)).rewrapped).toBe(0);
    // With the old KEK removed, every key still opens to the same value.
    const after = { currentKid: "rot2", keys: new Map([["rot2", during.keys.get("rot2")!]]) };
    for (const keyPrefix of prefixes) {
      const rows = await folderKeys(db(), keyPrefix);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.kekId).toBe("rot2");
        expect(await unwrapContentKey(after, { keyPrefix, tier: row.tier, keyIdHex: row.keyId }, row)).toEqual(raw.get(row.keyId));
      }
    }
  });
});
