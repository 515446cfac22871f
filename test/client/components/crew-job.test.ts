import { afterAll, describe, expect, it } from "vitest";
import { crewJobKey, crewJobLabel } from "../../../client/src/components/crew-job.ts";
import { setLocale } from "../../../client/src/i18n/index.ts";
import en from "../../../client/src/i18n/pages/credits/en.ts";
import { CREW_JOBS } from "../../../tools/seed/demo-catalog.ts";

/** Jobs the catalog holds today: the demo seed's, and the ones recommendations read (worker/recs/load.ts). */
const CATALOG_JOBS = [...CREW_JOBS, "Screenplay", "Creator", "Showrunner", "Original Music Composer"];

describe("crew jobs in the viewer's language (components/crew-job.ts)", () => {
  afterAll(() => setLocale("en"));

  it("knows every job the demo catalog and TMDB-style data carry, each under its own key", () => {
    for (const job of CATALOG_JOBS) expect(crewJobKey(job), job).not.toBeNull();
    const keys = Object.values(en).map(crewJobKey);
    expect(new Set(keys).size).toBe(Object.keys(en).length);
    expect(keys).toEqual(Object.keys(en));
  });

  it("matches a job whatever its case, spacing or hyphens", () => {
    expect(crewJobKey("original music composer")).toBe("job.originalMusicComposer");
    expect(crewJobKey("  Director   of Photography ")).toBe("job.directorOfPhotography");
    expect(crewJobKey("Co Producer")).toBe("job.coProducer");
    expect(crewJobKey("Cinematography")).toBe("job.directorOfPhotography");
  });

  it("words known jobs in French and Arabic, and shows an unknown job as the catalog has it", async () => {
    await setLocale("fr");
    expect(crewJobLabel("Director")).toBe("Réalisation");
    expect(crewJobLabel("Original Music Composer")).toBe("Musique originale");
    expect(crewJobLabel("Key Grip")).toBe("Key Grip");
    expect(crewJobLabel(null)).toBe("");
    await setLocale("ar");
    for (const job of CATALOG_JOBS) expect(crewJobLabel(job), job).toMatch(/^[\u0600-\u06FF\s]+$/);
    await setLocale("en");
    expect(crewJobLabel("Screenplay")).toBe("Screenplay");
  });
});
