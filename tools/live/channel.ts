/**
 * Registering a live channel for `npm run live`: the channel row (and, without
 * `--title`, a catalog title for it) in the local state or the deployed D1,
 * with a fresh ingest secret whose hash alone goes to D1. The secret is kept in
 * `.cache/live/<slug>.secret` (git-ignored) so later runs push with it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { root } from "../dev/server.ts";
import type { Target } from "../ingest/publish.ts";
import { INGEST_SECRET, ingestSecretHash, newIngestSecret } from "../../worker/live/secret.ts";

const secretFile = (slug: string, remote: boolean) => join(root, ".cache", "live", `${slug}${remote ? ".remote" : ""}.secret`);

/** The saved secret of a channel, if this machine made it. */
export function savedSecret(slug: string, remote: boolean): string | undefined {
  const file = secretFile(slug, remote);
  if (!existsSync(file)) return undefined;
  const secret = readFileSync(file, "utf8").trim();
  return INGEST_SECRET.test(secret) ? secret : undefined;
}

/**
 * Makes sure the channel exists and that `secret` (or a new one) is its secret:
 * creates the channel (and its title unless `titleId` is given), or, when this
 * machine has no secret for an existing channel, rotates it. Returns the secret.
 */
export async function ensureChannel(target: Target, slug: string, options: { titleId?: number; remote: boolean; dvrWindowSeconds: number; log: (line: string) => void }): Promise<string> {
  const rows = await target.query<{ secret_salt: string; secret_hash: string }>(sql`SELECT secret_salt, secret_hash FROM live_channels WHERE slug = ${slug}`);
  const known = savedSecret(slug, options.remote);
  // The saved secret counts only if it is this state's channel's (another state may have a channel of the same name).
  if (rows[0] && known && (await ingestSecretHash(known, rows[0].secret_salt)) === rows[0].secret_hash) return known;
  const { secret, salt, hash } = await newIngestSecret();
  const nowMs = Date.now();
  if (rows.length > 0) {
    await target.batch([sql`UPDATE live_channels SET secret_salt = ${salt}, secret_hash = ${hash} WHERE slug = ${slug}`]);
    options.log(`channel ${slug}: no saved secret here, so a new one replaces the old`);
  } else {
    let titleId = options.titleId;
    const statements = [];
    if (titleId === undefined) {
      const max = await target.query<{ id: number | null }>(sql`SELECT max(id) AS id FROM titles`);
      titleId = (max[0]?.id ?? 0) + 1;
      const name = `Live: ${slug}`;
      statements.push(
        sql`INSERT INTO titles (id, type, title, sort_title, description, release_year, maturity_age, added_at)
            VALUES (${titleId}, 'movie', ${name}, ${name.toLowerCase()}, ${"A live channel."}, ${new Date(nowMs).getUTCFullYear()}, 0, ${nowMs})`,
        sql`INSERT INTO availability (title_id, region, starts_at, ends_at) VALUES (${titleId}, 'WW', ${nowMs - 60_000}, NULL)`,
      );
    }
    statements.push(
      sql`INSERT INTO live_channels (slug, title_id, secret_salt, secret_hash, dvr_window_seconds, created_at)
          VALUES (${slug}, ${titleId}, ${salt}, ${hash}, ${options.dvrWindowSeconds}, ${nowMs})`,
    );
    await target.batch(statements);
    options.log(`channel ${slug} created on title ${titleId}`);
  }
  mkdirSync(join(root, ".cache", "live"), { recursive: true });
  writeFileSync(secretFile(slug, options.remote), secret + "\n", { mode: 0o600 });
  return secret;
}
