/**
 * Per-profile Home state in D1: the onboarding picks. (The cache version that
 * taste events bump lives in the account's object: home/home-version-store.ts.
 * D1's `profiles.home_version` column is no longer read or written.)
 */
import { eq } from "drizzle-orm";
import type { Db } from "./client.ts";
import { profiles, type OnboardingPicks } from "./schema.ts";

/** Stores the onboarding picks ("pick three you like"; none = skipped); the caller then bumps the home version. */
export async function setOnboarding(db: Db, profileId: string, picks: OnboardingPicks): Promise<void> {
  await db.update(profiles).set({ onboarding: picks }).where(eq(profiles.id, profileId));
}
