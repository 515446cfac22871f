/** The client's error vocabulary (client/src/data/errors.ts) and how the player words and retries by it. */
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../common/error-codes.ts";
import { clientErrorCode, ERROR_MEANINGS, meaningOf } from "../../client/src/data/errors.ts";
import { apiProblem, hlsProblem } from "../../client/src/player/errors.ts";

const apiError = (status: number, code: string) => Object.assign(new Error(code), { status, code });

describe("the client's error vocabulary", () => {
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
});
