/**
 * ViewerState: one SQLite-backed Durable Object per account, the single source
 * of truth for its profiles' watch progress, viewing history and continue
 * watching, and the hub that pushes each saved position to the account's other
 * open devices over hibernatable WebSockets.
 *
 * Why one object per account: a household's devices write the same rows, and
 * one single-threaded writer makes last-writer-wins exact without locks; the
 * object also knows every open socket of the account to broadcast to.
 *
 * The object is a thin front (its RPC methods) over what it composes:
 * - progress-store.ts: positions, history, operation ids, tombstones;
 * - signal-outbox.ts: views and completions waiting for the alarm to send them to the statistics shard;
 * - socket-hub.ts: the account's open sockets;
 * - account-data.ts: the privacy export and erasure;
 * - ../licence/stream-leases.ts: the account's concurrent streams (leases renewed with the licence);
 * - ../downloads/download-store.ts: the account's download grants (limits per plan, expiry, revocation);
 * - ../auth/session-registry.ts: which sessions are live or revoked, and when the account's token facts last changed;
 * - ../auth/refresh-families.ts: each family's current refresh-token hash and the facts its tokens state;
 * - ../home/home-version-store.ts: each profile's home version (the key of its cached Home rows);
 * - ../home/onboarding-store.ts: each profile's onboarding picks (Home's copy; D1 keeps the record);
 * - ../profiles/taste-store.ts: each profile's My List and ratings (the record; D1's rows are read in once).
 */
import { DurableObject } from "cloudflare:workers";
import { RefreshFamilyStore, type FamilyFacts, type RotateResult } from "../auth/refresh-families.ts";
import { SessionRegistry, type SessionCheck, type SessionStanding } from "../auth/session-registry.ts";
import { DownloadStore, type DownloadGrant, type GrantRequest, type GrantResult } from "../downloads/download-store.ts";
import { HomeVersionStore } from "../home/home-version-store.ts";
import { OnboardingStore, type OnboardingState } from "../home/onboarding-store.ts";
import type { OnboardingPicks } from "../db/schema.ts";
import { TasteStore, UNFILLED, type AddOutcome, type LegacyTaste, type ListEntry, type RatingValue, type Taste, type TitleRating, type Unfilled } from "../profiles/taste-store.ts";
import { StreamLeaseStore, type LeaseRequest, type LeaseSession, type SessionLeaseResult, type StreamLease } from "../licence/stream-leases.ts";
import { storageIsEmpty } from "../lib/sql-store.ts";
import { eraseAccountData, exportAccountData, type AccountStores } from "./account-data.ts";
import type { ProgressEntry, ProgressWrite, WriteResult } from "./model.ts";
import { ProgressStore, type HistoryItem } from "./progress-store.ts";
import { SIGNAL_FLUSH_MS, SignalOutbox, type PendingSignal } from "./signal-outbox.ts";
import { SocketHub, type SocketAttachment } from "./socket-hub.ts";

export type { HistoryItem, PendingSignal, SocketAttachment };
export { SIGNAL_FLUSH_MS };
export { SOCKET_SESSION_EXPIRED } from "./socket-hub.ts";

/** What Home learns of a profile in its one call to the object. */
export interface HomeState {
  /** The part of its cached rows' key that taste events change. */
  homeVersion: number;
  /** Its onboarding picks, if the object knows them (else Home reads D1 once and fills them in). */
  onboarding: OnboardingState;
  /** Its latest entry per title, most recent first (Continue Watching). */
  latest: ProgressEntry[];
}

/** Home's one call for a signed-in profile: the session's standing and, only when it is live, the profile's HomeState. */
export type SessionHomeResult = { standing: "live"; home: HomeState } | { standing: Exclude<SessionStanding, "live"> };

/** With nothing else to do, the alarm comes back this often to forget old operation ids. */
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;

export class ViewerState extends DurableObject<Env> {
  private readonly progress: ProgressStore;
  private readonly outbox: SignalOutbox;
  private readonly sockets: SocketHub;
  private readonly leases: StreamLeaseStore;
  private readonly downloads: DownloadStore;
  private readonly sessions: SessionRegistry;
  private readonly homeVersions: HomeVersionStore;
  private readonly families: RefreshFamilyStore;
  private readonly onboarding: OnboardingStore;
  private readonly tastes: TasteStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.progress = new ProgressStore(ctx.storage);
    this.outbox = new SignalOutbox(ctx.storage);
    this.sockets = new SocketHub(ctx);
    this.leases = new StreamLeaseStore(ctx.storage);
    this.downloads = new DownloadStore(ctx.storage);
    this.sessions = new SessionRegistry(ctx.storage);
    this.homeVersions = new HomeVersionStore(ctx.storage);
    this.families = new RefreshFamilyStore(ctx.storage);
    this.onboarding = new OnboardingStore(ctx.storage);
    this.tastes = new TasteStore(ctx.storage);
  }

  /**
   * Home's one call (docs/SCALING.md §6.4): the profile's home version, its onboarding picks
   * if known here, and its latest `latestLimit` entries for Continue Watching — so a Home
   * served from KV asks nothing else of the object and reads no D1 row. My List and ratings
   * are not in it: only a miss's recommender needs them, and it asks (`taste`).
   */
  homeState(profileId: string, latestLimit: number): HomeState {
    return {
      homeVersion: this.homeVersions.get(profileId),
      onboarding: this.onboarding.get(profileId),
      latest: latestLimit > 0 ? this.progress.latestPerTitle(profileId, latestLimit) : [],
    };
  }

  /**
   * Home's one call with the session's standing in it, as the licence's (`acquireSessionStream`):
   * the session guard leaves `GET /api/home` alone, so a Home served from KV costs the account's
   * object one call, not two. A revoked or stale session learns only its standing.
   */
  sessionHomeState(session: SessionCheck, profileId: string, latestLimit: number): SessionHomeResult {
    const standing = this.standingOf(session, Date.now());
    return standing === "live" ? { standing, home: this.homeState(profileId, latestLimit) } : { standing };
  }

  /**
   * The profile's My List and ratings. This and the changes below answer UNFILLED for a profile
   * whose D1 rows have not been read in yet; the Worker reads them once and calls again with them
   * as `legacy` (worker/profiles/taste.ts), which fills them in unless the profile is known by then.
   */
  taste(profileId: string, legacy?: LegacyTaste): Taste | Unfilled {
    return this.withTaste(profileId, legacy, () => this.tastes.taste(profileId));
  }

  /** Appends a title to My List (a title there keeps its place; refused when full). A change moves the home version in the same step, as do the changes below. */
  addToMyList(profileId: string, titleId: number, maxItems: number, legacy?: LegacyTaste): AddOutcome | Unfilled {
    return this.withTaste(profileId, legacy, () => {
      const outcome = this.tastes.add(profileId, titleId, Date.now(), maxItems);
      if (outcome === "added") this.homeVersions.bump(profileId);
      return outcome;
    });
  }

  /** Removes a title from My List; false when it was not there. */
  removeFromMyList(profileId: string, titleId: number, legacy?: LegacyTaste): boolean | Unfilled {
    return this.withTaste(profileId, legacy, () => {
      const removed = this.tastes.remove(profileId, titleId);
      if (removed) this.homeVersions.bump(profileId);
      return removed;
    });
  }

  /** Puts My List in the order of `titleIds` (exactly the titles on it) and answers it; null when the list holds other titles. */
  reorderMyList(profileId: string, titleIds: number[], legacy?: LegacyTaste): ListEntry[] | null | Unfilled {
    return this.withTaste(profileId, legacy, () => {
      if (!this.tastes.reorder(profileId, titleIds)) return null;
      this.homeVersions.bump(profileId);
      return this.tastes.list(profileId);
    });
  }

  /** Sets (or replaces) the profile's rating of a title. */
  rateTitle(profileId: string, titleId: number, value: RatingValue, legacy?: LegacyTaste): TitleRating | Unfilled {
    return this.withTaste(profileId, legacy, () => {
      const ratedAt = Date.now();
      this.tastes.rate(profileId, titleId, value, ratedAt);
      this.homeVersions.bump(profileId);
      return { titleId, value, ratedAt };
    });
  }

  /** Removes the profile's rating of a title; false when there was none. */
  unrateTitle(profileId: string, titleId: number, legacy?: LegacyTaste): boolean | Unfilled {
    return this.withTaste(profileId, legacy, () => {
      const removed = this.tastes.unrate(profileId, titleId);
      if (removed) this.homeVersions.bump(profileId);
      return removed;
    });
  }

  /** The profile chose (or skipped) at onboarding, after D1's record was written: kept here, and its cached rows go stale, in one call. */
  setOnboarding(profileId: string, picks: OnboardingPicks): number {
    this.onboarding.set(profileId, picks);
    return this.homeVersions.bump(profileId);
  }

  /** What D1 holds for picks this object had not seen (read once by Home); picks set meanwhile win. */
  fillOnboarding(profileId: string, picks: OnboardingPicks | null): void {
    this.onboarding.fill(profileId, picks);
  }

  /** The profile's home version, the part of its cached rows' key that taste events change. */
  homeVersion(profileId: string): number {
    return this.homeVersions.get(profileId);
  }

  /** A taste event the object does not make itself (the profile's ceiling or language): the profile's cached rows are rebuilt on every device's next visit. */
  bumpHomeVersion(profileId: string): number {
    return this.homeVersions.bump(profileId);
  }

  /** A family signed in (or taken over from D1 at its first refresh here): it holds `refreshHash` and states `facts`, read at `factsAtMs`. */
  startFamily(sessionId: string, refreshHash: string, expiresAtMs: number, facts: FamilyFacts, factsAtMs: number): void {
    const nowMs = Date.now();
    this.families.start(sessionId, refreshHash, expiresAtMs, facts, factsAtMs, nowMs);
    this.sessions.admit(sessionId, expiresAtMs, nowMs);
  }

  /**
   * A refresh: rotates the family's token in one step (no D1 write). A token that is not the
   * family's current one revokes the family here and now (its sockets closed, its leases freed).
   */
  rotateFamily(sessionId: string, presentedHash: string, nextHash: string, expiresAtMs: number): RotateResult {
    const nowMs = Date.now();
    if (this.sessions.standing(sessionId, nowMs, nowMs) === "revoked") return { outcome: "invalid" };
    const result = this.families.rotate(sessionId, presentedHash, nextHash, expiresAtMs, this.sessions.factsChangedAtS(), nowMs);
    if (result.outcome === "reused") this.closeSession(sessionId);
    if (result.outcome === "rotated") this.sessions.admit(sessionId, expiresAtMs, nowMs);
    return result;
  }

  /** Facts read again from D1 after the account's changed (for the profile the family had at the refresh). */
  refreshFamilyFacts(sessionId: string, profileId: string | null, facts: FamilyFacts, readAtMs: number): void {
    this.families.refreshFacts(sessionId, profileId, facts, readAtMs);
  }

  /** The device chose a profile: later refreshes state it. False when the family is D1's (signed in before families moved here). */
  chooseFamilyProfile(sessionId: string, profile: FamilyFacts["profile"]): boolean {
    return this.families.chooseProfile(sessionId, profile);
  }

  /** Whether `hash` is the family's current refresh token's (sign-out by refresh cookie); false for a family not held here. */
  isCurrentRefresh(sessionId: string, hash: string): boolean {
    return this.families.isCurrent(sessionId, hash, Date.now());
  }

  /** A session signed in, or passed a D1 check: live until `forgetAtMs` unless revoked meanwhile. */
  admitSession(sessionId: string, forgetAtMs: number): void {
    this.sessions.admit(sessionId, forgetAtMs, Date.now());
  }

  /** How a token of this session issued at `issuedAtMs` stands: live, revoked, stale (facts changed since) or unknown here. */
  sessionStanding(sessionId: string, issuedAtMs: number): SessionStanding {
    return this.sessions.standing(sessionId, issuedAtMs, Date.now());
  }

  /** The plan or a profile's token facts changed: every token issued before now must be refreshed before it reaches personal data. */
  sessionFactsChanged(): void {
    this.sessions.factsChanged(Date.now());
  }

  /** Grants (or renews, for the same item on the same device) a download within the plan's limits (exact: no await between the count and the insert). */
  grantDownload(req: GrantRequest): GrantResult {
    return this.downloads.grant(req);
  }

  /** One download grant, while it is playable. */
  download(downloadId: string): DownloadGrant | null {
    return this.downloads.get(downloadId, Date.now());
  }

  /** The account's playable download grants, oldest first. */
  downloadGrants(): DownloadGrant[] {
    return this.downloads.list(Date.now());
  }

  /** A fresh expiry for a playable grant (renewed online); null when it is gone. */
  renewDownload(downloadId: string, ttlMs: number): DownloadGrant | null {
    return this.downloads.renew(downloadId, ttlMs, Date.now());
  }

  /** Records a download's first play (the 48 h window starts). */
  downloadPlayed(downloadId: string, firstPlayedAtMs: number): DownloadGrant | null {
    return this.downloads.played(downloadId, firstPlayedAtMs, Date.now());
  }

  /** Revokes a download grant; false when there was none. */
  revokeDownload(downloadId: string): boolean {
    return this.downloads.revoke(downloadId);
  }

  /**
   * A licence's one call: how the request's session stands and, only when it is
   * live, the stream's lease taken or renewed, so a licence asks the object once
   * (the session guard leaves it alone) and a revoked or stale session takes no
   * screen. Both run without an await between them: a sign-out the object has
   * recorded is never followed by a lease for that session.
   */
  acquireSessionStream(session: LeaseSession, req: LeaseRequest): SessionLeaseResult {
    const standing = this.standingOf({ sessionId: req.sessionId, ...session }, Date.now());
    return standing === "live" ? { standing, lease: this.leases.acquire(req) } : { standing };
  }

  /** A session's standing for a call that checks it itself, admitting it first when the Worker's D1 check found it live. */
  private standingOf(session: SessionCheck, nowMs: number): SessionStanding {
    if (session.admitUntilMs !== undefined) this.sessions.admit(session.sessionId, session.admitUntilMs, nowMs);
    return this.sessions.standing(session.sessionId, session.issuedAtMs, nowMs);
  }

  /** Names a stream's title for the account's other devices. */
  nameStream(streamId: string, titleName: string): void {
    this.leases.name(streamId, titleName);
  }

  /** The account's live streams, oldest first. */
  streams(): StreamLease[] {
    return this.leases.list(Date.now());
  }

  /** Stops one of the account's streams from another device; false when it is not live. */
  stopStream(streamId: string): boolean {
    return this.leases.stop(streamId, Date.now());
  }

  /** A stream's own player ended it. */
  releaseStream(streamId: string): void {
    this.leases.release(streamId);
  }

  /**
   * Applies one progress write (last writer wins; a replay or an older write
   * changes nothing and answers the current state). An applied write may queue
   * a completion and a view for the statistics, and is pushed to the profile's open sockets.
   * A new view or a finished title changes taste: the profile's home version moves in the same step.
   */
  async write(w: ProgressWrite): Promise<WriteResult> {
    const nowMs = Date.now();
    const result = this.progress.apply(w, nowMs);
    if (!result.applied) return { applied: false, entry: result.entry, finishedNow: false, newView: false };
    const signal = { profileId: w.profileId, titleId: w.titleId, country: w.country, atMs: nowMs };
    if (result.finishedNow) this.outbox.queue({ ...signal, kind: "complete" });
    if (result.newView) this.outbox.queue({ ...signal, kind: "view" });
    if (result.finishedNow || result.newView) this.homeVersions.bump(w.profileId);
    this.sockets.broadcast(result.entry!, nowMs);
    await this.scheduleAlarm(nowMs + SIGNAL_FLUSH_MS);
    return { applied: true, entry: result.entry, finishedNow: result.finishedNow, newView: result.newView };
  }

  /** The stored entry of one movie or episode. */
  entry(profileId: string, titleId: number, episodeId: number | null): ProgressEntry | null {
    return this.progress.entry(profileId, titleId, episodeId);
  }

  /** Every entry of one title (a movie's one, or a series' episodes), most recent first. */
  titleEntries(profileId: string, titleId: number): ProgressEntry[] {
    return this.progress.titleEntries(profileId, titleId);
  }

  /** The most recent entry of each title of a profile (a series' latest episode), most recent first. */
  latestPerTitle(profileId: string, limit: number): ProgressEntry[] {
    return this.progress.latestPerTitle(profileId, limit);
  }

  /** Finished titles and episodes, most recent first (keyset pagination). */
  history(profileId: string, limit: number, before?: { finishedAt: number; titleId: number; episodeId: number }): HistoryItem[] {
    return this.progress.history(profileId, limit, before);
  }

  /** Removes a title (or, with null, everything) from a profile's history and continue watching; a tombstone voids late writes. */
  removeHistory(profileId: string, titleId: number | null): number {
    return this.progress.removeHistory(profileId, titleId, Date.now());
  }

  /** Drops everything of one profile (the profile was deleted) and closes its sockets. */
  forgetProfile(profileId: string): void {
    this.progress.forgetProfile(profileId);
    this.outbox.forgetProfile(profileId);
    this.homeVersions.forgetProfile(profileId);
    this.onboarding.forgetProfile(profileId);
    this.tastes.forgetProfile(profileId);
    this.sockets.close("profile deleted", `profile:${profileId}`);
  }

  /** Everything stored for the account, for the privacy export. */
  exportAll() {
    return exportAccountData(this.accountStores());
  }

  /** Erases the account's whole storage and closes its sockets (account deletion). */
  async erase(): Promise<void> {
    await eraseAccountData(this.ctx.storage, this.accountStores(), this.sockets);
  }

  /** The stores holding the account's data (account-data.ts exports and erases exactly these). */
  private accountStores(): AccountStores {
    return { progress: this.progress, outbox: this.outbox, leases: this.leases, downloads: this.downloads, sessions: this.sessions, homeVersions: this.homeVersions, families: this.families, onboarding: this.onboarding, tastes: this.tastes };
  }

  /** Whether the object holds anything at all (tests: deletion leaves nothing). */
  async isEmpty(): Promise<boolean> {
    return storageIsEmpty(this.ctx.storage);
  }

  /** Signals waiting for the alarm, oldest first. */
  pendingSignals(limit: number): PendingSignal[] {
    return this.outbox.pending(limit);
  }

  /** The benchmark floor: a bare counter increment in the same object's storage. */
  increment(): number {
    return this.outbox.increment();
  }

  /** Forgets operation ids older than the retention (called from the alarm and on demand). */
  pruneOps(nowMs = Date.now()): number {
    return this.progress.pruneOps(nowMs);
  }

  /** Sets the alarm for `atMs` unless one is due sooner. */
  private async scheduleAlarm(atMs: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > atMs) await this.ctx.storage.setAlarm(atMs);
  }

  /**
   * The alarm: sends waiting signals to the statistics shard and forgets old operation ids;
   * comes back while signals are left (after a backoff if the send failed), else daily
   * while operation ids are remembered. A deleted account's object has no alarm.
   */
  override async alarm(): Promise<void> {
    const nowMs = Date.now();
    this.progress.pruneOps(nowMs);
    const next = await this.outbox.flush(this.env, this.ctx.id.toString(), nowMs);
    if (next !== null) await this.ctx.storage.setAlarm(next);
    else if (this.progress.opsCount() > 0) await this.ctx.storage.setAlarm(nowMs + PRUNE_EVERY_MS);
  }

  /** Live sync: accepts the account's WebSocket (the Worker checked the session), tagged with its profile and session. */
  override async fetch(request: Request): Promise<Response> {
    const attachment = JSON.parse(request.headers.get("x-socket-attachment") ?? "null") as SocketAttachment | null;
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !attachment) {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    return this.sockets.accept(attachment);
  }

  /** Clients only ping (answered by the auto-response); anything else is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number): void {
    this.sockets.closed(ws, code);
  }

  /** Fills in D1's rows for a profile unknown here (a fill never overwrites what is known), then answers `read`; UNFILLED while the profile is unknown. */
  private withTaste<T>(profileId: string, legacy: LegacyTaste | undefined, read: () => T): T | Unfilled {
    if (legacy) this.tastes.fill(profileId, legacy, Date.now());
    return this.tastes.known(profileId) ? read() : UNFILLED;
  }

  /**
   * Ends one session here (sign-out, a password change, or its family revoked for refresh-token reuse): refused on
   * personal routes from now on, its sockets closed, its leases freed. True when the object held its family (it is
   * the session's record); false for a session signed in before, whose D1 row the caller revokes too.
   */
  closeSession(sessionId: string): boolean {
    this.sessions.revoke(sessionId, Date.now());
    const heldFamily = this.families.forget(sessionId);
    this.sockets.close("signed out", `session:${sessionId}`);
    this.leases.releaseSession(sessionId);
    return heldFamily;
  }

  /** A password change: every session of the account but `keepSessionId` ends (each family held here, each live one admitted after a D1 check); answers the ended ids. */
  closeOtherSessions(keepSessionId: string): string[] {
    const ended = [...new Set([...this.families.sessionIds(), ...this.sessions.liveSessionIds(Date.now())])].filter((id) => id !== keepSessionId);
    for (const sessionId of ended) this.closeSession(sessionId);
    return ended;
  }
}
