/** Per-profile Home state in D1: the cache version that taste events bump, and the onboarding picks. */
import { eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { profiles, type OnboardingPicks } from "./schema.ts";

/** Invalidates the profile's cached home rows (the next visit rebuilds them). */
export async function bumpHomeVersion(db: Db, profileId: string): Promise<void> {
  await db.update(profiles).set({ homeVersion: sql`${profiles.homeVersion} + 1` }).where(eq(profiles.id, profileId));
}

/** Stores the onboarding picks ("pick three you like"; none = skipped) and invalidates the cached rows. */
export async function setOnboarding(db: Db, profileId: string, picks: OnboardingPicks): Promise<void> {
  await db.update(profiles).set({ onboarding: picks, homeVersion: sql`${profiles.homeVersion} + 1` }).where(eq(profiles.id, profileId));
}
