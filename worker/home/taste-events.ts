/**
 * What a taste event does to Home: the profile's home version moves in the
 * account's object (home-version-store.ts), so every device's cached rows miss
 * on their next visit. Always after the event's own write: a Home built in
 * between is cached under the old version and never served again. (A new view
 * or a finished title bumps inside the object's progress write instead, and a
 * My List or rating change inside the object's call that makes it,
 * worker/profiles/taste.ts.)
 */
import { setOnboarding } from "../db/home.ts";
import { database } from "../db/client.ts";
import type { OnboardingPicks } from "../db/schema.ts";
import { viewerState } from "../progress/stub.ts";

/** The profile's taste changed (its ceiling or language): its cached rows are stale. */
export async function tasteChanged(env: Env, accountId: string, profileId: string): Promise<void> {
  await viewerState(env, accountId).bumpHomeVersion(profileId);
}

/**
 * Stores the onboarding picks: D1's record first, then the account's object, which keeps the
 * copy Home reads (onboarding-store.ts) and invalidates the profile's cached rows in the same call.
 */
export async function saveOnboarding(env: Env, accountId: string, profileId: string, picks: OnboardingPicks): Promise<void> {
  await setOnboarding(database(env.DB), profileId, picks);
  await viewerState(env, accountId).setOnboarding(profileId, picks);
}
