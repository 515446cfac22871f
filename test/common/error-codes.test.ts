import { describe, expect, it } from "vitest";
import { ERROR_CODES, isErrorCode } from "../../common/error-codes.ts";

describe("the error vocabulary (common/error-codes.ts)", () => {
  it("lists each code once, in snake_case", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it("tells a known code from anything else", () => {
    expect(isErrorCode("title_not_found")).toBe(true);
    expect(isErrorCode("title_not_fund")).toBe(false);
    expect(isErrorCode(404)).toBe(false);
  });
});
