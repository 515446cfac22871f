import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { indexTitles } from "../../worker/db/search-index.ts";
import { db } from "./helpers.ts";
import { seedAsset, seedTitles } from "./media-fixtures.ts";
import { PASSWORD, TestBrowser } from "./session-client.ts";

// Ids unique to this file.
const ALL_AGES = 7501;
const AGE_7 = 7502;
const AGE_16 = 7503;
const AGE_18 = 7504;

beforeAll(async () => {
  await seedTitles(db(), [
    { id: ALL_AGES, title: "Quillfeather Meadow", maturityAge: 0 },
    { id: AGE_7, title: "Quillfeather Rangers", maturityAge: 7 },
    { id: AGE_16, title: "Quillfeather Nightfall", maturityAge: 16 },
    { id: AGE_18, title: "Quillfeather Reckoning", maturityAge: 18 },
  ]);
  await indexTitles(db(), [ALL_AGES, AGE_7, AGE_16, AGE_18]);
  for (const [id, asset] of [[AGE_7, "pf-seven"], [AGE_16, "pf-sixteen"], [AGE_18, "pf-eighteen"]] as const) {
    await seedAsset(db(), { id: asset, titleId: id, heights: [360, 720, 1080] });
  }
});

/** A signed-up browser that created a kids profile and switched to it. */
async function kidsBrowser(): Promise<{ b: TestBrowser; kidsId: string; adultId: string }> {
  const b = new TestBrowser();
  const up = await b.signUp();
  const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
  expect(kids.status).toBe(201);
  expect(kids.body.maxMaturityAge).toBe(7);
  expect((await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" })).status).toBe(200);
  return { b, kidsId: kids.body.id, adultId: up.profileId };
}

describe("profiles", () => {
  it("lists, creates, updates and deletes profiles of the signed-in account only", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const created = await b.json("/api/profiles", { method: "POST", body: { name: "Sam", language: "fr-CA", subtitles: { language: "fr", size: "large" } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Sam", language: "fr-CA", isKids: false, maxMaturityAge: 18, subtitles: { language: "fr", size: "large", background: "semi" } });
    const patched = await b.json(`/api/profiles/${created.body.id}`, { method: "PATCH", body: { maxMaturityAge: 13, autoplay: false } });
    expect(patched.body).toMatchObject({ maxMaturityAge: 13, autoplay: false, name: "Sam" });
    expect((await b.json("/api/profiles")).body.items.map((p: any) => p.name)).toContain("Sam");

    const stranger = new TestBrowser();
    await stranger.signUp();
    expect((await stranger.json(`/api/profiles/${created.body.id}`, { method: "PATCH", body: { name: "Mine" } })).status).toBe(404);
    expect((await stranger.json(`/api/profiles/${created.body.id}/select`, { method: "POST" })).status).toBe(404);

    expect((await b.fetch(`/api/profiles/${created.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.json("/api/profiles")).body.items).toHaveLength(1);
    expect((await b.json(`/api/profiles/${created.body.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("a sixth profile is refused with 409 profile_limit, and so is a duplicate name", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Twin" } })).status).toBe(201);
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Twin" } })).body.error.code).toBe("profile_name_taken");
    for (let i = 0; i < 3; i++) expect((await b.json("/api/profiles", { method: "POST", body: { name: `P${i}` } })).status).toBe(201);
    const sixth = await b.json("/api/profiles", { method: "POST", body: { name: "One too many" } });
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe("profile_limit");
    expect((await b.json("/api/profiles")).body.items).toHaveLength(5);
  });

  it("a PIN-protected profile is chosen only with its PIN; setting a PIN needs the account password", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const noPassword = await b.json("/api/profiles", { method: "POST", body: { name: "Locked", pin: "4321" } });
    expect(noPassword.body.error.code).toBe("password_required");
    const locked = await b.json("/api/profiles", { method: "POST", body: { name: "Locked", pin: "4321", password: PASSWORD } });
    expect(locked.status).toBe(201);
    expect(locked.body.hasPin).toBe(true);
    const id = locked.body.id;
    expect((await b.json(`/api/profiles/${id}/select`, { method: "POST" })).body.error.code).toBe("pin_required");
    expect((await b.json(`/api/profiles/${id}/select`, { method: "POST", body: { pin: "0000" } })).body.error.code).toBe("wrong_pin");
    expect((await b.json(`/api/profiles/${id}/select`, { method: "POST", body: { pin: "12" } })).status).toBe(400);
    const ok = await b.json(`/api/profiles/${id}/select`, { method: "POST", body: { pin: "4321" } });
    expect(ok.status).toBe(200);
    expect((await b.json("/api/auth/me")).body.profileId).toBe(id);
    // A kids profile cannot have a PIN.
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Kid", isKids: true, pin: "1111", password: PASSWORD } })).status).toBe(400);
  });

  it("wrong PINs are rate limited: the sixth try is 429 even with the right PIN", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const { body } = await b.json("/api/profiles", { method: "POST", body: { name: "Vault", pin: "2468", password: PASSWORD } });
    for (let i = 0; i < 5; i++) expect((await b.json(`/api/profiles/${body.id}/select`, { method: "POST", body: { pin: `000${i}` } })).status).toBe(403);
    const locked = await b.json(`/api/profiles/${body.id}/select`, { method: "POST", body: { pin: "2468" } });
    expect(locked.status).toBe(429);
    expect(locked.res.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("the account password checked to set a PIN goes through the sign-in limiter (create and update alike)", async () => {
    for (const route of ["create", "update"] as const) {
      const b = new TestBrowser();
      const { email } = await b.signUp();
      const { body: plain } = await b.json("/api/profiles", { method: "POST", body: { name: "Plain" } });
      const guess = (password: string) =>
        route === "create"
          ? b.json("/api/profiles", { method: "POST", body: { name: `G${password.length}`, pin: "1357", password } })
          : b.json(`/api/profiles/${plain.id}`, { method: "PATCH", body: { pin: "1357", password } });
      for (let i = 0; i < 5; i++) expect((await guess(`wrong password ${i}`)).body.error.code, route).toBe("password_required");
      const locked = await guess(PASSWORD);
      expect(locked.status, route).toBe(429);
      expect(locked.res.headers.get("retry-after"), route).toMatch(/^\d+$/);
      // The same budget as sign-in (this browser's own, it signed in here: device cookie): locked there too.
      expect((await b.json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status, route).toBe(429);
    }
  });

  it("a right password forgives the account's earlier failures when setting a PIN", async () => {
    const b = new TestBrowser();
    const { email } = await b.signUp();
    for (let i = 0; i < 4; i++) await b.json("/api/profiles", { method: "POST", body: { name: "Locked", pin: "1357", password: `wrong ${i}` } });
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Locked", pin: "1357", password: PASSWORD } })).status).toBe(201);
    expect((await new TestBrowser().json("/api/auth/signin", { method: "POST", body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it("a kids profile cannot manage profiles, nor be given a ceiling above 7", async () => {
    const { b, kidsId, adultId } = await kidsBrowser();
    const raise = await b.json(`/api/profiles/${kidsId}`, { method: "PATCH", body: { maxMaturityAge: 18 } });
    expect(raise.status).toBe(403);
    expect(raise.body.error.code).toBe("kids_profile");
    expect((await b.json("/api/profiles", { method: "POST", body: { name: "Sneaky" } })).status).toBe(403);
    expect((await b.json(`/api/profiles/${adultId}/select`, { method: "POST" })).status).toBe(200);
    expect((await b.json(`/api/profiles/${kidsId}`, { method: "PATCH", body: { maxMaturityAge: 16 } })).status).toBe(400);
  });
});

describe("a kids profile's maturity ceiling", () => {
  it("refuses a 16+ title's detail with 403 maturity_restricted (no detail) while the adult profile sees it", async () => {
    const { b, adultId } = await kidsBrowser();
    const kids = await b.json(`/api/catalog/titles/${AGE_16}`);
    expect(kids.status).toBe(403);
    expect(kids.body).toEqual({ error: { code: "maturity_restricted", message: expect.stringContaining("16+") } });
    expect((await b.json(`/api/catalog/titles/${AGE_7}`)).status).toBe(200);
    // An unknown title is still not found, not a maturity refusal.
    expect((await b.json("/api/catalog/titles/987654321")).body.error.code).toBe("title_not_found");
    // The development override cannot lift a session's ceiling.
    expect((await b.json(`/api/catalog/titles/${AGE_16}`, { headers: { "x-dev-max-maturity": "18" } })).status).toBe(403);
    await b.json(`/api/profiles/${adultId}/select`, { method: "POST" });
    expect((await b.json(`/api/catalog/titles/${AGE_16}`)).status).toBe(200);
  });

  it("keeps titles above 7 out of browse", async () => {
    const { b } = await kidsBrowser();
    const ids = (await b.json("/api/catalog/titles?limit=100")).body.items.map((t: any) => t.id);
    expect(ids).toEqual(expect.arrayContaining([ALL_AGES, AGE_7]));
    expect(ids).not.toContain(AGE_16);
    expect(ids).not.toContain(AGE_18);
    const demo = (await new TestBrowser().json("/api/catalog/titles?limit=100")).body.items.map((t: any) => t.id);
    expect(demo).toEqual(expect.arrayContaining([AGE_16, AGE_18]));
  });

  it("keeps titles above 7 out of search and suggestions", async () => {
    const { b } = await kidsBrowser();
    const found = (await b.json("/api/search?q=quillfeather")).body.items.map((t: any) => t.id);
    expect(found).toEqual(expect.arrayContaining([ALL_AGES, AGE_7]));
    expect(found).not.toContain(AGE_16);
    expect(found).not.toContain(AGE_18);
    const suggested = (await b.json("/api/search/suggest?q=quillfeather")).body.items.map((t: any) => t.id);
    expect(suggested).not.toContain(AGE_16);
    const demo = (await new TestBrowser().json("/api/search?q=quillfeather")).body.items.map((t: any) => t.id);
    expect(demo).toContain(AGE_16);
  });

  it("refuses playback above 7 with 403 maturity_restricted and signs tokens for the account", async () => {
    const { b } = await kidsBrowser();
    const refused = await b.json(`/api/playback/${AGE_16}`, { method: "POST" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("maturity_restricted");
    const allowed = await b.json(`/api/playback/${AGE_7}`, { method: "POST" });
    expect(allowed.status).toBe(200);
    // The account's plan (basic by default) caps the quality, not the demo viewer's premium.
    expect(allowed.body.plan).toBe("basic");
    expect(allowed.body.maxHeight).toBe(720);
    const me = (await b.json("/api/auth/me")).body;
    const payload = JSON.parse(atob(allowed.body.token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
    expect(payload.sub).toBe(me.account.id);
  });

  it("a signed-in account with no profile chosen sees all-ages titles only", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    await b.json("/api/profiles", { method: "POST", body: { name: "Second" } });
    await b.fetch("/api/auth/signout", { method: "POST" });
    const signin = await b.json("/api/auth/signin", { method: "POST", body: { email: up.email, password: PASSWORD } });
    expect(signin.body.profileId).toBeNull();
    expect((await b.json(`/api/catalog/titles/${AGE_7}`)).body.error.code).toBe("maturity_restricted");
    expect((await b.json(`/api/catalog/titles/${ALL_AGES}`)).status).toBe(200);
    expect((await b.json("/api/my-list")).body.error.code).toBe("profile_required");
  });
});

describe("My List and ratings", () => {
  it("adds, orders, reorders and removes titles per profile", async () => {
    const b = new TestBrowser();
    const up = await b.signUp();
    for (const id of [ALL_AGES, AGE_16, AGE_7]) expect((await b.json(`/api/my-list/${id}`, { method: "PUT" })).status).toBe(200);
    expect((await b.json(`/api/my-list/${ALL_AGES}`, { method: "PUT" })).status).toBe(200);
    expect((await b.json("/api/my-list")).body.items.map((t: any) => t.id)).toEqual([ALL_AGES, AGE_16, AGE_7]);
    const reordered = await b.json("/api/my-list/reorder", { method: "POST", body: { titleIds: [AGE_7, ALL_AGES, AGE_16] } });
    expect(reordered.body.items.map((t: any) => t.id)).toEqual([AGE_7, ALL_AGES, AGE_16]);
    const stale = await b.json("/api/my-list/reorder", { method: "POST", body: { titleIds: [AGE_7, ALL_AGES] } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("list_changed");
    expect((await b.fetch(`/api/my-list/${ALL_AGES}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.json("/api/my-list")).body.items.map((t: any) => t.id)).toEqual([AGE_7, AGE_16]);
    expect((await b.json(`/api/my-list/999999`, { method: "PUT" })).status).toBe(404);

    // Another profile of the same account has its own list.
    const other = await b.json("/api/profiles", { method: "POST", body: { name: "Other" } });
    await b.json(`/api/profiles/${other.body.id}/select`, { method: "POST" });
    expect((await b.json("/api/my-list")).body.items).toEqual([]);
    await b.json(`/api/profiles/${up.profileId}/select`, { method: "POST" });
    expect((await b.json("/api/my-list")).body.items).toHaveLength(2);
  });

  it("a kids profile cannot list or rate a title above its ceiling", async () => {
    const { b } = await kidsBrowser();
    expect((await b.json(`/api/my-list/${AGE_16}`, { method: "PUT" })).status).toBe(404);
    expect((await b.json(`/api/ratings/${AGE_16}`, { method: "PUT", body: { value: 1 } })).status).toBe(404);
    expect((await b.json(`/api/my-list/${AGE_7}`, { method: "PUT" })).status).toBe(200);
  });

  it("rates with -1, 1 or 2, replaces and removes a rating, and refuses other values with 400", async () => {
    const b = new TestBrowser();
    await b.signUp();
    expect((await b.json(`/api/ratings/${AGE_7}`, { method: "PUT", body: { value: 1 } })).body).toEqual({ titleId: AGE_7, value: 1 });
    expect((await b.json(`/api/ratings/${AGE_7}`, { method: "PUT", body: { value: 2 } })).status).toBe(200);
    expect((await b.json("/api/ratings")).body.items).toEqual([expect.objectContaining({ titleId: AGE_7, value: 2 })]);
    for (const value of [0, 3, -2, 1.5, "1", null]) {
      expect((await b.json(`/api/ratings/${AGE_7}`, { method: "PUT", body: { value } })).status, String(value)).toBe(400);
    }
    expect((await b.fetch(`/api/ratings/${AGE_7}`, { method: "DELETE" })).status).toBe(204);
    expect((await b.fetch(`/api/ratings/${AGE_7}`, { method: "DELETE" })).status).toBe(404);
  });

  it("without a session My List and ratings answer 401", async () => {
    const anon = new TestBrowser();
    expect((await anon.json("/api/my-list")).status).toBe(401);
    expect((await anon.json(`/api/ratings/${AGE_7}`, { method: "PUT", body: { value: 1 } })).status).toBe(401);
    expect((await anon.json("/api/profiles")).status).toBe(401);
  });
});

describe("fuzzed bodies and params", () => {
  let b: TestBrowser;
  let profileId: string;
  beforeAll(async () => {
    b = new TestBrowser();
    profileId = (await b.signUp()).profileId;
  });

  const body = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 100 }),
    fc
      .record(
        {
          name: fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue()),
          isKids: fc.oneof(fc.boolean(), fc.jsonValue()),
          maxMaturityAge: fc.oneof(fc.constantFrom(0, 7, 13, 16, 18), fc.jsonValue()),
          pin: fc.oneof(fc.stringMatching(/^\d{4}$/), fc.jsonValue(), fc.constant(null)),
          subtitles: fc.jsonValue(),
          language: fc.string({ maxLength: 40 }),
          titleIds: fc.oneof(fc.array(fc.integer()), fc.jsonValue()),
          value: fc.oneof(fc.constantFrom(-1, 1, 2), fc.jsonValue()),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  );
  const segment = fc.oneof(fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constantFrom(String(AGE_7), "0", "-1", "99999999999999999999", crypto.randomUUID()));

  it("every profile, My List and ratings endpoint answers a fuzzed request below 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ["POST", "/api/profiles"],
          ["PATCH", "/api/profiles/:x"],
          ["DELETE", "/api/profiles/:x"],
          ["POST", "/api/profiles/:x/select"],
          ["PUT", "/api/my-list/:x"],
          ["DELETE", "/api/my-list/:x"],
          ["POST", "/api/my-list/reorder"],
          ["PUT", "/api/ratings/:x"],
          ["DELETE", "/api/ratings/:x"],
        ),
        segment,
        body,
        async ([method, template], x, raw) => {
          const r = await b.fetch(template.replace(":x", x), { method, body: raw });
          expect(r.status, `${method} ${template} ${x} ${raw}`).toBeLessThan(500);
          // Keep the session on the original profile for the next run.
          if (template.endsWith("/select") && r.status === 200) await b.fetch(`/api/profiles/${profileId}/select`, { method: "POST" });
        },
      ),
      { numRuns: 150 },
    );
  });
});
