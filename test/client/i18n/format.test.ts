import { afterAll, describe, expect, it } from "vitest";
import { formatBitrate, formatDuration, formatList, formatRelative, formatSecondsPrecise, formatSeekStep, formatTimeLeft, languageName } from "../../../client/src/i18n/format.ts";
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

  it("words a seek step, seconds and bit rates through Intl: no hand-built \"s\" or \"kbps\" in any locale", async () => {
    await setLocale("en");
    expect([formatSeekStep(10), formatSeekStep(-10), formatSecondsPrecise(2.94), formatBitrate(850), formatBitrate(2345)]).toEqual(["+10 sec", "-10 sec", "2.9 sec", "850 kb/s", "2.35 Mb/s"]);
    await setLocale("fr");
    // French spaces a unit with a narrow no-break space.
    expect([formatSeekStep(10), formatSecondsPrecise(2.94), formatBitrate(850)].map((x) => x.replace(/\s/g, " "))).toEqual(["+10 s", "2,9 s", "850 kbit/s"]);
    await setLocale("ja");
    expect(formatSeekStep(-5)).toBe("-5 秒");
    await setLocale("ar");
    // Arabic: its own unit word, and no Latin letter anywhere.
    expect(formatSeekStep(10)).toMatch(/ث/);
    for (const text of [formatSeekStep(10), formatSecondsPrecise(2.9), formatBitrate(850), formatBitrate(2345)]) expect(text).not.toMatch(/[A-Za-z]/);
  });
});
