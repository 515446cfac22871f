import { Hono, type Context } from "hono";
import { z } from "zod";
import { hashPin } from "../auth/passwords.ts";
import { chooseSessionProfile, reissueAccess, requireSession, sessionAccount, type Session } from "../auth/session.ts";
import { accountPasswordMatches, pinMatches } from "../auth/attempts.ts";
import { tasteChanged } from "../home/taste-events.ts";
import { createProfile, deleteProfile, listProfiles, profileOf, toProfile, updateProfile, type NewProfile } from "../db/accounts.ts";
import { database } from "../db/client.ts";
import { MATURITY_AGES } from "../db/schema.ts";
import { languageTag, subtitlePrefs } from "../../common/schemas.ts";
import { DEFAULT_SUBTITLES } from "../../common/subtitles.ts";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../lib/errors.ts";
import { validate } from "../lib/validate.ts";
import { changedProfileCeiling, checkKids, MAX_PROFILES, newProfileCeiling, PROFILE_NAME } from "../profiles/rules.ts";
import { viewerState } from "../progress/stub.ts";

const LANGUAGE = languageTag;
const PIN = z.string().regex(/^\d{4}$/, "must be 4 digits");
const maturityAge = z.number().int().refine((n) => (MATURITY_AGES as readonly number[]).includes(n), `must be one of ${MATURITY_AGES.join(", ")}`);
const subtitles = subtitlePrefs;

const profileFields = {
  name: PROFILE_NAME,
  avatar: z.string().regex(/^[a-z0-9-]{1,32}$/, "must be an avatar id"),
  isKids: z.boolean(),
  maxMaturityAge: maturityAge,
  language: LANGUAGE,
  autoplay: z.boolean(),
  subtitles,
};

const createBody = z.object({
  name: profileFields.name,
  avatar: profileFields.avatar.default("default"),
  isKids: z.boolean().default(false),
  maxMaturityAge: maturityAge.optional(),
  language: LANGUAGE.default("en"),
  autoplay: z.boolean().default(true),
  subtitles: subtitles.default({ ...DEFAULT_SUBTITLES }),
  pin: PIN.optional(),
  /** The account password, required to set a PIN. */
  password: z.string().min(1).max(256).optional(),
});

const updateBody = z.object({
  name: profileFields.name.optional(),
  avatar: profileFields.avatar.optional(),
  isKids: z.boolean().optional(),
  maxMaturityAge: maturityAge.optional(),
  language: LANGUAGE.optional(),
  autoplay: z.boolean().optional(),
  subtitles: subtitles.optional(),
  /** A new PIN, or null to remove it; either needs the account password. */
  pin: PIN.nullable().optional(),
  password: z.string().min(1).max(256).optional(),
});

const idParam = z.object({ id: z.uuid("must be a profile id") });
const selectBody = z.object({ pin: PIN.optional() });

/** Profiles are managed from an adult profile (or before one is chosen), never from a kids profile. */
function requireManager(c: Context<AppEnv>): Session {
  const session = requireSession(c);
  if (session.profile?.isKids) throw new AppError(403, "kids_profile", "Profiles cannot be managed from a kids profile.");
  return session;
}

/** The account password, checked inside the sign-in limiter (a stolen session cannot guess it here either). */
async function requirePassword(c: Context<AppEnv>, session: Session, password: string | undefined): Promise<void> {
  const db = database(c.env.DB);
  const account = password === undefined ? undefined : await sessionAccount(db, session);
  const ok = account !== undefined && (await accountPasswordMatches(c, db, account, password!));
  if (!ok) throw new AppError(403, "password_required", "Setting or removing a PIN needs the account password.");
}

const nameTaken = () => new AppError(409, "profile_name_taken", "Another profile of this account has that name.");

/** An account's profiles (at most five): list, create, update, delete, and choose one on this device. */
export const profiles = new Hono<AppEnv>()
  .get("/", async (c) => {
    const session = requireSession(c);
    const rows = await listProfiles(database(c.env.DB), session.account.id);
    return c.json({ items: rows.map(toProfile), profileId: session.profile?.id ?? null });
  })
  .post("/", validate("json", createBody), async (c) => {
    const session = requireManager(c);
    const body = c.req.valid("json");
    const maxMaturityAge = newProfileCeiling(body.isKids, body.maxMaturityAge);
    checkKids(body.isKids, maxMaturityAge, body.pin !== undefined);
    if (body.pin !== undefined) await requirePassword(c, session, body.password);
    const row = await createProfile(
      database(c.env.DB),
      session.account.id,
      {
        id: crypto.randomUUID(),
        createdAt: Date.now(),
        name: body.name,
        avatar: body.avatar,
        isKids: body.isKids,
        maxMaturityAge,
        language: body.language,
        autoplay: body.autoplay,
        subtitles: body.subtitles,
        pinHash: body.pin === undefined ? null : await hashPin(body.pin),
      },
      MAX_PROFILES,
    );
    if (row === "limit") throw new AppError(409, "profile_limit", `An account has at most ${MAX_PROFILES} profiles.`);
    if (row === "name_taken") throw nameTaken();
    return c.json(toProfile(row), 201);
  })
  .patch("/:id", validate("param", idParam), validate("json", updateBody), async (c) => {
    const session = requireManager(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const current = await profileOf(db, session.account.id, id);
    if (!current) throw new AppError(404, "profile_not_found", "No such profile.");
    const isKids = body.isKids ?? current.isKids;
    // Turning a profile into a kids profile lowers its ceiling unless one is given.
    const maxMaturityAge = changedProfileCeiling(current, isKids, body.maxMaturityAge);
    const hasPin = body.pin === undefined ? current.pinHash !== null : body.pin !== null;
    checkKids(isKids, maxMaturityAge, hasPin);
    const changes: Partial<NewProfile> = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.avatar !== undefined) changes.avatar = body.avatar;
    if (body.isKids !== undefined) changes.isKids = body.isKids;
    if (maxMaturityAge !== current.maxMaturityAge) changes.maxMaturityAge = maxMaturityAge;
    if (body.language !== undefined) changes.language = body.language;
    if (body.autoplay !== undefined) changes.autoplay = body.autoplay;
    if (body.subtitles !== undefined) changes.subtitles = body.subtitles;
    if (body.pin !== undefined) {
      await requirePassword(c, session, body.password);
      changes.pinHash = body.pin === null ? null : await hashPin(body.pin);
    }
    const row = await updateProfile(db, session.account.id, id, changes);
    if (row === "name_taken") throw nameTaken();
    if (!row) throw new AppError(404, "profile_not_found", "No such profile.");
    // A new ceiling or language changes what the home rows may hold.
    if (changes.maxMaturityAge !== undefined || changes.language !== undefined) await tasteChanged(c.env, session.account.id, id);
    // Facts access tokens carry: every older token goes stale, so this device gets a fresh one (with the new facts if it is this profile).
    if (changes.name !== undefined || changes.isKids !== undefined || changes.maxMaturityAge !== undefined) {
      await viewerState(c.env, session.account.id).sessionFactsChanged();
      await reissueAccess(c, session, session.profile?.id === id ? { profile: row } : {});
    }
    return c.json(toProfile(row));
  })
  .delete("/:id", validate("param", idParam), async (c) => {
    const session = requireManager(c);
    const { id } = c.req.valid("param");
    if (!(await deleteProfile(database(c.env.DB), session.account.id, id))) {
      throw new AppError(404, "profile_not_found", "No such profile.");
    }
    // Its progress and history go too (D1 rows cascade; the object is told).
    const state = viewerState(c.env, session.account.id);
    await state.forgetProfile(id);
    // Devices on that profile hold tokens naming it: every older token goes stale (their refresh finds no profile chosen); this device gets a fresh one.
    await state.sessionFactsChanged();
    await reissueAccess(c, session, session.profile?.id === id ? { profile: null } : {});
    return c.body(null, 204);
  })
  .post("/:id/select", validate("param", idParam), validate("json", selectBody), async (c) => {
    const session = requireSession(c);
    const { id } = c.req.valid("param");
    const db = database(c.env.DB);
    const profile = await profileOf(db, session.account.id, id);
    if (!profile) throw new AppError(404, "profile_not_found", "No such profile.");
    if (profile.pinHash !== null) {
      const { pin } = c.req.valid("json");
      if (pin === undefined) throw new AppError(403, "pin_required", "This profile is locked with a PIN.");
      if (!(await pinMatches(c, profile.id, profile.pinHash, pin))) throw new AppError(403, "wrong_pin", "Wrong PIN.");
    }
    // The choice is kept with the session, server-side, so a client cannot claim a profile it did not unlock.
    await chooseSessionProfile(c, db, session, profile);
    // The access token names the profile: this device gets one with the new profile's facts at once.
    const accessExpiresAt = await reissueAccess(c, session, { profile });
    return c.json({ profileId: profile.id, profile: toProfile(profile), accessExpiresAt });
  });
