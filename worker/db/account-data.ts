/** Everything D1 stores about one account, for the privacy export, and its erasure. */
import { eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import { accounts, myList, profiles, ratings, sessions } from "./schema.ts";
import { toAccount, toProfile } from "./accounts.ts";

/** The account's D1 rows as plain data: no password hash, PIN hash or refresh-token hash (secrets, not personal data). */
export async function exportAccountRows(db: Db, accountId: string) {
  const [accountRows, profileRows, sessionRows] = await db.batch([
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
  ]);
  const profileIds = profileRows.map((p) => p.id);
  const [listRows, ratingRows] =
    profileIds.length === 0
      ? [[], []]
      : await db.batch([
          db.select().from(myList).where(inArray(myList.profileId, profileIds)),
          db.select().from(ratings).where(inArray(ratings.profileId, profileIds)),
        ]);
  return {
    account: accountRows[0] ? toAccount(accountRows[0]) : null,
    profiles: profileRows.map(toProfile),
    sessions: sessionRows,
    myList: listRows,
    ratings: ratingRows,
  };
}

/** Deletes the account; profiles, sessions, My List and ratings go with it (foreign keys cascade). */
export async function deleteAccountRows(db: Db, accountId: string): Promise<boolean> {
  const row = await db.delete(accounts).where(eq(accounts.id, accountId)).returning({ id: accounts.id }).get();
  return row !== undefined;
}
