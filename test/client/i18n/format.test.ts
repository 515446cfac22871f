import { afterAll, describe, expect, it } from "vitest";
import { formatDuration, formatList, formatRelative, formatTimeLeft, languageName } from "../../../client/src/i18n/format.ts";
import { setLocale } from "../../../client/src/i18n/index.ts";

const DAY_MS = 86_400_000;

describe("formatting in the interface locale (client/src/i18n/format.ts)", () => {
  afterAll(() => setLocale("en"));

  it("says how long is left the way streaming apps do", async () => {
    await setLocale("en");
    expect([12 * 60, 65 * 60, 120 * 60, 40, -3].map(formatTimeLeft)).toEqual(["12 min left", "1 hr 5 min left", "2 hr left", "40 sec left", "1 sec left"]);
    await setLocale("de");
    expect(formatTimeLeft(12 * 60)).toBe("Noch 12 Min.");
  });

  it("names languages, lists and relative days in the interface language", async () => {
    await setLocale("fr");
    expect(formatList(["en", "fr", "de"].map(languageName))).toBe("anglais, français et allemand");
    expect(formatRelative(3 * DAY_MS, 0)).toBe("dans 3 jours");
    await setLocale("ja");
    expect(languageName("fr")).toBe("フランス語");
    await setLocale("en-XA");
    // The pseudo-locale formats as English.
    expect(formatDuration(90 * 60)).toBe("1 hr 30 min");
  });
});
