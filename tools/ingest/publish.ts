/**
 * Publishing an asset: every object goes to R2 first; then one D1 batch (one
 * transaction) inserts the asset's rows, retires the owner's previous asset and
 * points the catalog's artwork at the new stills. Until that batch commits the
 * new objects are invisible; if it never runs, the next ingest of the same owner
 * sweeps them. Retired assets' objects are deleted last.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { and, eq, ne, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { bulkInsertStatements } from "../../worker/db/bulk.ts";
import { database, runBatch, type Db } from "../../worker/db/client.ts";
import { assetObjects, assets, episodes, renditions, subtitleTracks, titles, trickplay } from "../../worker/db/schema.ts";
import { contentKeks, parseKekSet, wrapContentKey, type KekSet } from "../../worker/lib/content-keys.ts";
import { assetIdPrefix, type AssetManifest, type Owner } from "./pipeline.ts";
import { IngestError } from "./probe.ts";
import { localPlatform } from "../dev/platform.ts";

/** Public URL of a still (served by the Worker's artwork route). */
export function artworkUrl(key: string): string {
  const m = /^assets\/([^/]+)\/stills\/([a-z]+\.jpg)$/.exec(key);
  if (!m) throw new Error(`not a still key: ${key}`);
  return `/api/artwork/${m[1]}/${m[2]}`;
}

/** Where an asset is published: local wrangler state, or the deployed bucket and database. */
export interface Target {
  describe: string;
  ownerExists(owner: Owner): Promise<{ seriesId?: number } | null>;
  putObject(key: string, path: string, contentType: string, sha256: string): Promise<void>;
  listKeys(prefix: string): Promise<string[]>;
  deleteKeys(keys: string[]): Promise<void>;
  /** Runs statements as one transaction. */
  batch(statements: SQL[]): Promise<void>;
  query<T>(statement: SQL): Promise<T[]>;
  /** The key-encryption keys content keys are wrapped under (the Worker's `CONTENT_KEKS`). */
  keks(): Promise<KekSet>;
  close(): Promise<void>;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/** The local state `npm start` serves (or `persistTo`), through wrangler's platform proxy. */
export async function localTarget(persistTo?: string): Promise<Target> {
  const proxy = await localPlatform(persistTo);
  const db: Db = database(proxy.env.DB);
  const bucket = proxy.env.MEDIA;
  return {
    describe: persistTo ? `local state in ${persistTo}` : "local state (.wrangler/state)",
    ownerExists: (owner) => ownerExists(db, owner),
    async putObject(key, path, contentType, sha256) {
      await bucket.put(key, readFileSync(path), { httpMetadata: { contentType, cacheControl: key.endsWith(".m3u8") ? "public, max-age=5" : IMMUTABLE }, sha256 });
    },
    async listKeys(prefix) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, cursor });
        keys.push(...page.objects.map((o) => o.key));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return keys;
    },
    async deleteKeys(keys) {
      for (let i = 0; i < keys.length; i += 500) await bucket.delete(keys.slice(i, i + 500));
    },
    async batch(statements) {
      await runBatch(db, statements);
    },
    query: (statement) => db.all(statement),
    // What `wrangler dev` reads (.dev.vars), or the development KEK without it, as the local Worker does.
    keks: () => contentKeks(proxy.env.CONTENT_KEKS as string | undefined, true),
    close: () => proxy.dispose(),
  };
}

async function ownerExists(db: Db, owner: Owner): Promise<{ seriesId?: number } | null> {
  if (owner.titleId !== undefined) {
    const row = await db.select({ id: titles.id, type: titles.type }).from(titles).where(eq(titles.id, owner.titleId)).get();
    if (!row) return null;
    if (row.type === "series") throw new IngestError(`title ${owner.titleId} is a series: ingest its episodes with --episode <id>`);
    return {};
  }
  const row = await db.select({ titleId: episodes.titleId }).from(episodes).where(eq(episodes.id, owner.episodeId!)).get();
  return row ? { seriesId: row.titleId } : null;
}

const dialect = new SQLiteAsyncDialect();

/** A statement with its parameters written in as SQL literals (for `wrangler d1 execute --file`). */
export function inlineSql(statement: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const pieces = text.split("?");
  return pieces.reduce((out, piece, i) => {
    if (i === 0) return piece;
    const p = params[i - 1];
    const literal = p === null || p === undefined ? "NULL" : typeof p === "number" ? String(p) : typeof p === "boolean" ? (p ? "1" : "0") : `'${String(p).replaceAll("'", "''")}'`;
    return out + literal + piece;
  }, "");
}

/** The deployed bucket and database, through the wrangler CLI (needs `wrangler login`). */
export function remoteTarget(bucketName: string): Target {
  const wrangler = (args: string[]) => {
    const r = spawnSync("npx", ["wrangler", ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed: ${r.stderr.slice(-500)}`);
    return r.stdout;
  };
  const execute = (statements: SQL[]) => {
    const file = join(tmpdir(), `marquee-ingest-${process.pid}.sql`);
    writeFileSync(file, statements.map((s) => `${inlineSql(s)};`).join("\n"));
    return wrangler(["d1", "execute", "DB", "--remote", "--json", "--file", file]);
  };
  const query = <T>(statement: SQL): T[] => {
    const out = JSON.parse(wrangler(["d1", "execute", "DB", "--remote", "--json", "--command", inlineSql(statement)])) as { results: T[] }[];
    return out[0]?.results ?? [];
  };
  return {
    describe: `remote bucket ${bucketName} and database DB`,
    async ownerExists(owner) {
      if (owner.titleId !== undefined) return query(sql`SELECT id FROM titles WHERE id = ${owner.titleId} AND type = 'movie'`).length > 0 ? {} : null;
      const rows = query<{ title_id: number }>(sql`SELECT title_id FROM episodes WHERE id = ${owner.episodeId!}`);
      return rows[0] ? { seriesId: rows[0].title_id } : null;
    },
    async putObject(key, path, contentType) {
      wrangler(["r2", "object", "put", `${bucketName}/${key}`, "--remote", "--file", path, "--content-type", contentType]);
    },
    async listKeys() {
      // The wrangler CLI cannot list a bucket; remote sweeps rely on the asset_objects rows instead.
      return [];
    },
    async deleteKeys(keys) {
      for (const key of keys) wrangler(["r2", "object", "delete", `${bucketName}/${key}`, "--remote"]);
    },
    async batch(statements) {
      execute(statements);
    },
    query: async (statement) => query(statement),
    async keks() {
      const secret = process.env.CONTENT_KEKS;
      if (!secret) throw new IngestError("set CONTENT_KEKS to the deployed Worker's secret (the same JSON) to publish encrypted media remotely");
      return parseKekSet(secret);
    },
    close: async () => {},
  };
}

function ownerCondition(owner: Owner) {
  return owner.titleId !== undefined ? eq(assets.titleId, owner.titleId) : eq(assets.episodeId, owner.episodeId!);
}

/** Deletes objects under the owner's asset prefixes that no asset row knows about (left by an interrupted run). */
export async function sweepOrphans(target: Target, owner: Owner): Promise<number> {
  const keys = await target.listKeys(`assets/${assetIdPrefix(owner)}`);
  if (keys.length === 0) return 0;
  const known = new Set((await target.query<{ id: string }>(sql`SELECT id FROM assets WHERE id LIKE ${`${assetIdPrefix(owner)}%`}`)).map((r) => r.id));
  const orphans = keys.filter((k) => !known.has(k.split("/")[1]!));
  await target.deleteKeys(orphans);
  return orphans.length;
}

/**
 * Uploads `manifest.objects` (unless `reuseObjects`), then commits the rows in
 * one batch; finally removes the owner's retired assets and their objects.
 */
export async function publishAsset(target: Target, manifest: AssetManifest, options: { reuseObjects?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const asset = manifest.asset;
  const owner: Owner = asset.titleId != null ? { titleId: asset.titleId } : { episodeId: asset.episodeId! };
  const found = await target.ownerExists(owner);
  if (!found) throw new IngestError(owner.titleId !== undefined ? `no movie with id ${owner.titleId}` : `no episode with id ${owner.episodeId}`);
  if (!options.reuseObjects) {
    let done = 0;
    for (const o of manifest.objects) {
      await target.putObject(o.key, o.path, o.contentType, o.sha256);
      if (++done % 25 === 0 || done === manifest.objects.length) log(`uploaded ${done}/${manifest.objects.length} objects`);
    }
  }
  const keyStatements: SQL[] = [];
  if (!options.reuseObjects && manifest.contentKeys.length > 0) {
    const keks = await target.keks();
    for (const k of manifest.contentKeys) {
      const binding = { keyPrefix: asset.keyPrefix, tier: k.tier, keyIdHex: k.keyIdHex };
      const { wrappedKey, kekId } = await wrapContentKey(keks, binding, Buffer.from(k.keyHex, "hex"));
      // A re-published folder (the demo cache, a re-run) replaces its keys with the ones its media was encrypted under.
      keyStatements.push(sql`INSERT INTO content_keys (key_prefix, tier, key_id, wrapped_key, kek_id, created_at)
        VALUES (${asset.keyPrefix}, ${k.tier}, ${k.keyIdHex}, ${wrappedKey}, ${kekId}, ${Date.now()})
        ON CONFLICT (key_prefix, tier) DO UPDATE SET key_id = excluded.key_id, wrapped_key = excluded.wrapped_key, kek_id = excluded.kek_id, created_at = excluded.created_at`);
    }
  }
  const statements: SQL[] = [
    ...keyStatements,
    ...bulkInsertStatements(assets, [asset]),
    ...bulkInsertStatements(renditions, manifest.renditions),
    ...bulkInsertStatements(subtitleTracks, manifest.subtitles),
    ...(manifest.trickplay ? bulkInsertStatements(trickplay, [manifest.trickplay]) : []),
    ...bulkInsertStatements(assetObjects, manifest.objects.map((o) => ({ assetId: asset.id, key: o.key, sizeBytes: o.sizeBytes, sha256: o.sha256, contentType: o.contentType }))),
    sql`UPDATE assets SET status = 'retired' WHERE ${and(ownerCondition(owner), ne(assets.id, asset.id))} AND status <> 'retired'`,
  ];
  if (manifest.stills) {
    const { poster, backdrop, still } = manifest.stills;
    if (owner.titleId !== undefined) {
      statements.push(sql`UPDATE titles SET poster_url = ${artworkUrl(poster)}, backdrop_url = ${artworkUrl(backdrop)} WHERE id = ${owner.titleId}`);
    } else {
      statements.push(sql`UPDATE episodes SET still_url = ${artworkUrl(still)} WHERE id = ${owner.episodeId!}`);
      // A series without artwork takes its first ingested episode's stills.
      statements.push(sql`UPDATE titles SET poster_url = coalesce(poster_url, ${artworkUrl(poster)}), backdrop_url = coalesce(backdrop_url, ${artworkUrl(backdrop)}) WHERE id = ${found.seriesId!}`);
    }
  }
  await target.batch(statements);
  log(`published asset ${asset.id}`);
  await removeRetired(target, owner);
}

/** Deletes the owner's retired assets: their objects (unless another live asset shares the prefix), then their rows. */
export async function removeRetired(target: Target, owner: Owner): Promise<void> {
  const retired = await target.query<{ id: string; keyPrefix: string }>(
    sql`SELECT id, key_prefix AS keyPrefix FROM assets WHERE ${ownerCondition(owner)} AND status = 'retired'`,
  );
  for (const r of retired) {
    const shared = await target.query<{ n: number }>(sql`SELECT count(*) AS n FROM assets WHERE key_prefix = ${r.keyPrefix} AND status <> 'retired'`);
    if ((shared[0]?.n ?? 0) === 0) {
      const keys = await target.query<{ key: string }>(sql`SELECT key FROM asset_objects WHERE asset_id = ${r.id}`);
      await target.deleteKeys(keys.map((k) => k.key));
      await target.batch([sql`DELETE FROM content_keys WHERE key_prefix = ${r.keyPrefix}`]);
    }
    await target.batch([
      sql`DELETE FROM renditions WHERE asset_id = ${r.id}`,
      sql`DELETE FROM subtitle_tracks WHERE asset_id = ${r.id}`,
      sql`DELETE FROM trickplay WHERE asset_id = ${r.id}`,
      sql`DELETE FROM asset_objects WHERE asset_id = ${r.id}`,
      sql`DELETE FROM assets WHERE id = ${r.id}`,
    ]);
  }
}
