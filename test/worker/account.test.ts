/**
 * worker/routes/account.ts: the password change (the privacy export and erasure
 * are walked in db/account-data.test.ts; a changed password stopping another
 * device's stream is in licence.test.ts).
 */
import { describe, expect, it } from "vitest";
import { PASSWORD, TestBrowser } from "./session-client.ts";

const NEW_PASSWORD = "a fresh passphrase";

const changePassword = (b: TestBrowser, currentPassword: string, newPassword: string) =>
  b.json("/api/account/password", { method: "POST", body: { currentPassword, newPassword } });

const signIn = (b: TestBrowser, email: string, password: string) => b.json("/api/auth/signin", { method: "POST", body: { email, password } });

/** One account signed in on two browsers: `here` changes the password, `there` is another device. */
async function twoDevices() {
  const here = new TestBrowser();
  const { email } = await here.signUp();
  const there = new TestBrowser();
  expect((await signIn(there, email, PASSWORD)).status).toBe(200);
  return { here, there, email };
}

describe("POST /api/account/password", () => {
  it("changes the password and signs out every other device, keeping this one signed in", async () => {
    const { here, there, email } = await twoDevices();
    const changed = await changePassword(here, PASSWORD, NEW_PASSWORD);
    expect([changed.status, changed.body]).toEqual([200, { signedOutSessions: 1 }]);
    // This device: its access token and its refresh family both still work.
    expect((await here.json("/api/auth/me")).status).toBe(200);
    expect((await here.fetch("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    // The other device: its access token names a revoked session, and its refresh family is gone.
    expect([(await there.json("/api/auth/me")).body.error.code]).toEqual(["invalid_session"]);
    expect((await there.json("/api/auth/refresh", { method: "POST" })).body.error.code).toBe("invalid_refresh");
    // Only the new password signs in now.
    expect((await signIn(new TestBrowser(), email, PASSWORD)).status).toBe(401);
    expect((await signIn(new TestBrowser(), email, NEW_PASSWORD)).status).toBe(200);
  });

  it("a wrong current password is 403 wrong_password and changes nothing", async () => {
    const { here, there, email } = await twoDevices();
    const refused = await changePassword(here, "not the password", NEW_PASSWORD);
    expect([refused.status, refused.body.error.code]).toEqual([403, "wrong_password"]);
    expect((await there.json("/api/auth/me")).status).toBe(200);
    expect((await there.fetch("/api/auth/refresh", { method: "POST" })).status).toBe(200);
    expect((await signIn(new TestBrowser(), email, NEW_PASSWORD)).status).toBe(401);
    expect((await signIn(new TestBrowser(), email, PASSWORD)).status).toBe(200);
  });

  it("refuses a new password sign-up would refuse, the same password, and a kids profile, with 4xx", async () => {
    const b = new TestBrowser();
    await b.signUp();
    const short = await changePassword(b, PASSWORD, "2short");
    expect([short.status, short.body.error.code]).toEqual([400, "invalid_json"]);
    expect(short.body.error.message).toContain("newPassword");
    const same = await changePassword(b, PASSWORD, PASSWORD);
    expect([same.status, same.body.error.code]).toEqual([400, "password_unchanged"]);
    const missing = await b.json("/api/account/password", { method: "POST", body: { newPassword: NEW_PASSWORD } });
    expect([missing.status, missing.body.error.code]).toEqual([400, "invalid_json"]);
    const kids = await b.json("/api/profiles", { method: "POST", body: { name: "Kiddo", isKids: true } });
    await b.json(`/api/profiles/${kids.body.id}/select`, { method: "POST" });
    const fromKids = await changePassword(b, PASSWORD, NEW_PASSWORD);
    expect([fromKids.status, fromKids.body.error.code]).toEqual([403, "kids_profile"]);
    expect((await new TestBrowser().json("/api/account/password", { method: "POST", body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(401);
  });

  it("is rate-limited like sign-in: after five wrong guesses even the right password is 429", async () => {
    const b = new TestBrowser();
    await b.signUp();
    for (let i = 0; i < 5; i++) expect((await changePassword(b, `guess number ${i}`, NEW_PASSWORD)).status).toBe(403);
    const locked = await changePassword(b, PASSWORD, NEW_PASSWORD);
    expect([locked.status, locked.body.error.code]).toEqual([429, "too_many_attempts"]);
    expect(locked.res.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
