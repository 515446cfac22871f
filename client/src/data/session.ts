/**
 * The signed-in session, one signal for the whole SPA: `undefined` while the
 * first GET /api/auth/me is in flight, `null` when signed out (the server's demo
 * viewer), otherwise the account, its profiles and the profile chosen on this
 * device (and the account's QoE opt-out, remembered for the player). Actions sign up/in/out and manage profiles; each one updates the
 * signal, drops cached catalog reads (what a viewer may see depends on the
 * profile) and tells the site's other tabs, which share the cookies.
 *
 * The access token lives 15 minutes: a visible tab refreshes it a minute before
 * it expires, and any call that still meets an expired one refreshes and retries
 * (data/api.ts, serialized across tabs).
 */
import { revalidate } from "@solidjs/router";
import { createRoot, createSignal } from "solid-js";
import {
  accessExpiresAt,
  createProfileRequest,
  deleteProfileRequest,
  fetchMe,
  noteAccessExpiry,
  onAccessExpiry,
  onSessionLost,
  refreshAhead,
  REFRESH_AHEAD_MS,
  selectProfileRequest,
  signInRequest,
  signOutRequest,
  signUpRequest,
  updateProfileRequest,
  type Me,
  type Profile,
  type ProfileChanges,
  type ProfileInput,
  type SignedIn,
} from "./api.ts";
import { rememberQoeOptOut } from "./qoe.ts";

export type { Account, Me, Profile } from "./api.ts";

/** Profiles per account and the kids ceiling: the server's limits. */
export { KIDS_MAX_MATURITY_AGE, MAX_PROFILES } from "../../../common/profiles.ts";

/** localStorage key whose change tells other tabs to reload the session. */
const CHANGED_KEY = "marquee.session.changed";

const [me, setMe] = createRoot(() => createSignal<Me | null | undefined>(undefined));

/** The session: undefined while loading, null when signed out. */
export const session = me;

/** The profile chosen on this device, if any. */
export function currentProfile(): Profile | null {
  const s = me();
  return s?.profiles.find((p) => p.id === s.profileId) ?? null;
}

function announceChange(): void {
  try {
    localStorage.setItem(CHANGED_KEY, String(Date.now()));
  } catch {
    // Other tabs then learn of it on their next 401 or reload.
  }
}

/** Drops every cached read and refetches the ones on screen: they were made for another viewer. */
function viewerChanged(): void {
  void revalidate();
}

/**
 * The account's QoE opt-out as the server holds it, remembered on this device for the player
 * (data/qoe.ts): a choice made on another device takes effect here at the next sign-in or session load.
 */
function noteQoeChoice(next: Me | null): void {
  if (next) rememberQoeOptOut(next.qoeOptOut);
}

function applySignedIn(result: SignedIn): Me {
  const next: Me = { account: result.account, profiles: result.profiles, profileId: result.profileId, qoeOptOut: result.qoeOptOut };
  noteQoeChoice(next);
  setMe(next);
  noteAccessExpiry(result.accessExpiresAt);
  viewerChanged();
  announceChange();
  return next;
}

let loading: Promise<Me | null> | null = null;

/** (Re)reads the session from the server. */
export function loadSession(): Promise<Me | null> {
  loading ??= fetchMe()
    .then((next) => {
      noteQoeChoice(next);
      setMe(next);
      return next;
    })
    .catch((e: unknown) => {
      // An unreachable server leaves a known session as it was; a first load falls back to signed out.
      if (me() === undefined) setMe(null);
      throw e;
    })
    .finally(() => {
      loading = null;
    });
  return loading;
}

export async function signUp(input: Parameters<typeof signUpRequest>[0]): Promise<Me> {
  return applySignedIn(await signUpRequest(input));
}

export async function signIn(email: string, password: string): Promise<Me> {
  return applySignedIn(await signInRequest({ email, password }));
}

export async function signOut(): Promise<void> {
  try {
    await signOutRequest();
  } finally {
    noteAccessExpiry(null);
    setMe(null);
    viewerChanged();
    announceChange();
  }
}

/** Chooses a profile on this device (with its PIN when it has one). */
export async function selectProfile(id: string, pin?: string): Promise<Profile> {
  const { profile, accessExpiresAt } = await selectProfileRequest(id, pin);
  // The choice came with a new access token (it names the profile): its expiry is the one to refresh ahead of.
  noteAccessExpiry(accessExpiresAt);
  setMe((s) => (s ? { ...s, profileId: profile.id, profiles: s.profiles.map((p) => (p.id === profile.id ? profile : p)) } : s));
  viewerChanged();
  announceChange();
  return profile;
}

export async function createProfile(input: ProfileInput): Promise<Profile> {
  const profile = await createProfileRequest(input);
  setMe((s) => (s ? { ...s, profiles: [...s.profiles, profile] } : s));
  announceChange();
  return profile;
}

export async function updateProfile(id: string, changes: ProfileChanges): Promise<Profile> {
  const before = me()?.profiles.find((p) => p.id === id);
  const profile = await updateProfileRequest(id, changes);
  setMe((s) => (s ? { ...s, profiles: s.profiles.map((p) => (p.id === id ? profile : p)) } : s));
  // A new ceiling on the chosen profile changes what the catalog shows; other settings do not.
  if (me()?.profileId === id && before?.maxMaturityAge !== profile.maxMaturityAge) viewerChanged();
  announceChange();
  return profile;
}

export async function deleteProfile(id: string): Promise<void> {
  await deleteProfileRequest(id);
  const wasCurrent = me()?.profileId === id;
  setMe((s) => (s ? { ...s, profiles: s.profiles.filter((p) => p.id !== id), profileId: wasCurrent ? null : s.profileId } : s));
  if (wasCurrent) viewerChanged();
  announceChange();
}

/** Forgets the session locally (the account was deleted, or the server ended the session). */
export function forgetSession(): void {
  noteAccessExpiry(null);
  setMe(null);
  viewerChanged();
  announceChange();
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;

/** Refreshes a minute before expiry, but only while the tab is visible (a hidden tab refreshes when it returns, or on its next 401). */
function scheduleRefresh(expiresAtMs: number | null): void {
  clearTimeout(refreshTimer);
  if (!expiresAtMs || !me()) return;
  const dueInMs = Math.max(0, expiresAtMs - REFRESH_AHEAD_MS - Date.now());
  refreshTimer = setTimeout(() => {
    if (document.visibilityState === "visible") void refreshAhead().catch(() => {});
  }, dueInMs);
}

let started = false;

/** Loads the session and wires the refresh timer and cross-tab updates; call once at start. */
export function startSession(): void {
  if (started) return;
  started = true;
  void loadSession()
    .then(() => scheduleRefresh(accessExpiresAt()))
    .catch(() => {});
  onAccessExpiry(scheduleRefresh);
  onSessionLost(() => {
    setMe(null);
    viewerChanged();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !me()) return;
    const expiresAtMs = accessExpiresAt();
    if (expiresAtMs && expiresAtMs - Date.now() <= REFRESH_AHEAD_MS) void refreshAhead().catch(() => {});
    else scheduleRefresh(expiresAtMs);
  });
  window.addEventListener("storage", (e) => {
    if (e.key !== CHANGED_KEY) return;
    void loadSession()
      .then(viewerChanged)
      .catch(() => {});
  });
}

/** A same-site path from a `?next=` parameter, or undefined (never another origin). */
export function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : undefined;
}

/** Where to go after signing in: the profile picker when a profile must still be chosen, else `next` or home. */
export function landingAfterSignIn(signedIn: Me, next: string | undefined): string {
  const back = safeNext(next);
  if (!signedIn.profileId) return back ? `/profiles?next=${encodeURIComponent(back)}` : "/profiles";
  return back ?? "/";
}
