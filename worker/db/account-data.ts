/**
 * Everything D1 stores about one account, for the privacy export, and its
 * erasure. ACCOUNT_TABLES names every D1 table that holds account data and the
 * export section its rows go to; test/worker/db/account-data.test.ts walks
 * every table D1 has and fails when one holding an account's rows is neither
 * here nor on its commented list of tables without account data.
 */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import { accounts, eventReminders, myList, operators, profileRecentTitles, profiles, qoeOptOuts, ratings, sessions } from "./schema.ts";
import { toAccount, toProfile } from "./accounts.ts";

/** Every D1 table holding account data → its section of the export. Deleting the account row erases them all (foreign keys cascade). */
export const ACCOUNT_TABLES = {
  accounts: "account",
  profiles: "profiles",
  sessions: "sessions",
  my_list: "myList",
  ratings: "ratings",
  profile_recent_titles: "recentTitles",
  qoe_opt_outs: "qoeOptOut",
  operators: "operator",
  event_reminders: "reminders",
} as const;

/** The account's D1 rows as plain data: no password hash, PIN hash or refresh-token hash (secrets, not personal data). */
export async function exportAccountRows(db: Db, accountId: string) {
  const [accountRows, profileRows, sessionRows, optOutRows, operatorRows] = await db.batch([
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db.select().from(profiles).where(eq(profiles.accountId, accountId)),
    db
      .select({
        id: sessions.id,
        profileId: sessions.profileId,
        createdAt: sessions.createdAt,
        rotatedAt: sessions.rotatedAt,
        revokedAt: sessions.revokedAt,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .where(eq(sessions.accountId, accountId)),
    db.select().from(qoeOptOuts).where(eq(qoeOptOuts.accountId, accountId)),
    db.select().from(operators).where(eq(operators.accountId, accountId)),
  ]);
  const profileIds = profileRows.map((p) => p.id);
  const [listRows, ratingRows, recentRows, reminderRows] =
    profileIds.length === 0
      ? [[], [], [], []]
      : await db.batch([
          db.select().from(myList).where(inArray(myList.profileId, profileIds)),
          db.select().from(ratings).where(inArray(ratings.profileId, profileIds)),
          db.select().from(profileRecentTitles).where(inArray(profileRecentTitles.profileId, profileIds)),
          db.select().from(eventReminders).where(inArray(eventReminders.profileId, profileIds)),
        ]);
  return {
    account: accountRows[0] ? toAccount(accountRows[0]) : null,
    // Onboarding picks ("pick three you like") are the profile's too; the home cache version is not data about anyone.
    profiles: profileRows.map((p) => ({ ...toProfile(p), onboarding: p.onboarding })),
    sessions: sessionRows,
    // My List and ratings as D1 still holds them for profiles their account's object has not seen yet; the object
    // is their record (worker/profiles/taste.ts) and its export (`viewerState.taste`) has the rest.
    myList: listRows,
    ratings: ratingRows,
    // The recently viewed titles co-watching is counted over (worker/recs/signals.ts).
    recentTitles: recentRows,
    // Whether (and since when) the account opted out of playback-quality collection, and holds the operator role.
    qoeOptOut: optOutRows,
    operator: operatorRows,
    // "Remind me": which profile asked about which scheduled event.
    reminders: reminderRows,
  } satisfies Record<(typeof ACCOUNT_TABLES)[keyof typeof ACCOUNT_TABLES], unknown>;
}

/** Deletes the account; every other table of ACCOUNT_TABLES goes with it (foreign keys cascade). */
export async function deleteAccountRows(db: Db, accountId: string): Promise<boolean> {
  const row = await db.delete(accounts).where(eq(accounts.id, accountId)).returning({ id: accounts.id }).get();
  return row !== undefined;
}

/** The ids of the account's profiles (to erase what is keyed by them outside D1). */
export async function accountProfileIds(db: Db, accountId: string): Promise<string[]> {
  return (await db.select({ id: profiles.id }).from(profiles).where(eq(profiles.accountId, accountId))).map((p) => p.id);
}
