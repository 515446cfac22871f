/** The client's error vocabulary (client/src/data/errors.ts) and how the player words and retries by it. */
import { afterAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../common/error-codes.ts";
import { clientErrorCode, ERROR_MEANINGS, meaningOf } from "../../client/src/data/errors.ts";
import { setLocale } from "../../client/src/i18n/index.ts";
import errorEnglish from "../../client/src/i18n/pages/errors/en.ts";
import { errorText } from "../../client/src/i18n/pages/errors/index.ts";
import { apiProblem, hlsProblem } from "../../client/src/player/errors.ts";

const apiError = (status: number, code: string) => Object.assign(new Error(code), { status, code });

describe("the client's error vocabulary", () => {
  afterAll(() => setLocale("en"));

  it("has words for every code the Worker answers, in the interface language, and general words for a code it does not know", async () => {
    expect(Object.keys(errorEnglish).sort()).toEqual([...ERROR_CODES, "http_error", "network", "no_space"].sort());
    await setLocale("en");
    expect(errorText("invalid_credentials")).toBe("Wrong e-mail or password.");
    // A download that would not fit is the client's own finding, worded by its code like the Worker's.
    expect(errorText("no_space")).toBe("There is not enough space on this device for this download.");
    await setLocale("fr");
    expect(errorText("invalid_credentials")).toBe("E-mail ou mot de passe incorrect.");
    expect(errorText("no_such_code")).toBe("Un problème est survenu. Veuillez réessayer.");
    await setLocale("ar");
    expect(errorText("wrong_pin")).toBe("رمز PIN غير صحيح.");
    // The player words a refusal it has no own words for by the code, never by the server's English message.
    const problem = apiProblem(apiError(409, "list_full"));
    expect([problem.title, problem.message]).toEqual(["يتعذّر تشغيل هذا العمل", "قائمتي ممتلئة. أزل عملًا لإضافة آخر."]);
    expect(apiProblem(apiError(429, "stream_limit")).title).toBe("عدد الشاشات كبير جدًا");
    await setLocale("en");
  });

  it("gives every code the Worker answers a meaning, and no other", () => {
    expect(Object.keys(ERROR_MEANINGS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it("refreshes the session only on session_expired, and renews the playback token for token, asset and session refusals (a licence key of another asset included)", () => {
    expect(ERROR_CODES.filter((c) => meaningOf(c).refreshSession)).toEqual(["session_expired"]);
    expect(ERROR_CODES.filter((c) => meaningOf(c).renewToken).sort()).toEqual(["asset_changed", "invalid_session", "invalid_token", "session_expired", "token_expired", "token_scope", "unknown_key"]);
  });

  it("holds an unknown code as http_error and gives it no meaning", () => {
    expect(clientErrorCode("no_such_code")).toBe("http_error");
    expect(clientErrorCode(undefined)).toBe("http_error");
    expect(clientErrorCode("wrong_pin")).toBe("wrong_pin");
    expect(meaningOf("no_such_code")).toEqual({});
  });

  it("the player renews the token before a retry exactly when the problem came from the token or the session", () => {
    expect(apiProblem(apiError(403, "token_expired")).renewToken).toBe(true);
    expect(apiProblem(apiError(401, "session_expired")).renewToken).toBe(true);
    expect(apiProblem(apiError(409, "asset_changed")).renewToken).toBe(true);
    expect(apiProblem(apiError(403, "region_restricted")).renewToken).toBe(false);
    expect(apiProblem(apiError(503, "playback_unavailable")).renewToken).toBe(false);
    expect(hlsProblem({ type: "networkError", details: "fragLoadError", response: { code: 403, text: "" } } as never)).toMatchObject({ code: "http_403 fragLoadError", renewToken: true });
    expect(hlsProblem({ type: "networkError", details: "fragLoadError", response: { code: 404, text: "" } } as never).renewToken).toBeFalsy();
  });

  it("a licence refused by the service stops the player with that refusal's own words, from hls.js's licence request and from a renewal alike", () => {
    const streams = [{ streamId: "s-1", deviceName: "Living room TV", profileName: "Alex", titleName: "Orbitfall" }];
    const refusals: [number, string, string, Record<string, unknown>][] = [
      [429, "stream_limit", "Too many screens", { streams }],
      [403, "playback_revoked", "Playback stopped", {}],
      [403, "stream_stopped", "Playback stopped from another device", {}],
      [403, "region_restricted", "Not available in your region", {}],
      [403, "quality_not_in_plan", "Not included in your plan", {}],
    ];
    for (const [status, code, title, extra] of refusals) {
      // hls.js's EME controller reports a refused licence XHR (responseType arraybuffer) as a keySystemError.
      const response = new TextEncoder().encode(JSON.stringify({ error: { code, message: "from the service", ...extra } })).buffer;
      const fromLicence = hlsProblem({ type: "keySystemError", details: "keySystemLicenseRequestFailed", networkDetails: { responseType: "arraybuffer", response, status } } as never);
      const fromRenewal = apiProblem(apiError(status, code));
      for (const problem of [fromLicence, fromRenewal]) {
        expect(problem, code).toMatchObject({ code, title });
        expect(problem.message, code).not.toBe("from the service");
      }
      expect(fromLicence.streams, code).toEqual(code === "stream_limit" ? streams : undefined);
    }
    // Refused for good (revoked, region, plan): no Retry; a full plan or a stopped stream may clear, so Retry stays.
    expect(refusals.map(([, code]) => [code, apiProblem(apiError(403, code)).retry])).toEqual([
      ["stream_limit", true], ["playback_revoked", false], ["stream_stopped", true], ["region_restricted", false], ["quality_not_in_plan", false],
    ]);
  });
});
