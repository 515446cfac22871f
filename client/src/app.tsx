import { A, revalidate, Route, Router, useLocation, useNavigate, type RoutePreloadFuncArgs, type RouteSectionProps } from "@solidjs/router";
import { ReminderNotice } from "./components/reminder-notice.tsx";
import { createEffect, createMemo, ErrorBoundary, lazy, on, onCleanup, onMount, Show, Suspense } from "solid-js";
import { AccountMenu } from "./components/account-menu.tsx";
import { Avatar, NoProfileAvatar } from "./components/avatar.tsx";
import { ErrorView } from "./components/error-view.tsx";
import { getGenres, getHome, getMyList, getPerson, getTitle } from "./data/api.ts";
import { deviceClass } from "./data/device.ts";
import { preparePlayback, watchTarget } from "./data/prefetch.ts";
import { DOWNLOAD_STARTED, mayHaveDownloads } from "./offline/presence.ts";
import { isOnline } from "./offline/online.ts";
import { registerAppShell } from "./offline/register.ts";
import { currentProfile, session, startSession } from "./data/session.ts";
import { startTvMode } from "./tv/mode.ts";
import { startTvNavigation, tvPageOpened } from "./tv/navigation.ts";
import { locale, resolveLocale, setLocale, t } from "./i18n/index.ts";

const Home = lazy(() => import("./pages/home.tsx"));
const Browse = lazy(() => import("./pages/browse.tsx"));
const Search = lazy(() => import("./pages/search.tsx"));
const Title = lazy(() => import("./pages/title.tsx"));
const PersonPage = lazy(() => import("./pages/person.tsx"));
const Watch = lazy(() => import("./pages/watch.tsx"));
const NotFound = lazy(() => import("./pages/not-found.tsx"));
const SignIn = lazy(() => import("./pages/signin.tsx"));
const SignUp = lazy(() => import("./pages/signup.tsx"));
const Profiles = lazy(() => import("./pages/profiles.tsx"));
const ManageProfiles = lazy(() => import("./pages/manage-profiles.tsx"));
const MyList = lazy(() => import("./pages/my-list.tsx"));
const AccountPage = lazy(() => import("./pages/account.tsx"));
const History = lazy(() => import("./pages/history.tsx"));
const DownloadsPage = lazy(() => import("./pages/downloads.tsx"));
const OfflineWatch = lazy(() => import("./pages/offline-watch.tsx"));
/** The operations console: its own chunk (uPlot included), so no other page grows. */
const Ops = lazy(() => import("./pages/ops.tsx"));

/** Pages that only make sense signed in (a signed-out visitor is sent to sign in, then back). */
const SIGNED_IN_ONLY = ["/profiles", "/my-list", "/account", "/history", "/ops"];
/** Pages a signed-in session may use before choosing a profile; every other page needs one. */
const NO_PROFILE_NEEDED = ["/signin", "/signup", "/profiles", "/account", "/ops"];

function under(path: string, prefixes: string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * Where the current page must send this session instead, if anywhere. Signed-out
 * browsing stays open (the server's demo viewer); only the account's own pages
 * ask to sign in.
 */
function useSessionRedirect() {
  const location = useLocation();
  return createMemo(() => {
    const s = session();
    if (s === undefined) return null;
    const here = encodeURIComponent(location.pathname + location.search);
    if (s === null) return under(location.pathname, SIGNED_IN_ONLY) ? `/signin?next=${here}` : null;
    if (!s.profileId && !under(location.pathname, NO_PROFILE_NEEDED)) return `/profiles?next=${here}`;
    return null;
  });
}

/** Icons of the phone's bottom navigation (24×24, filled with the text colour). */
const NAV_ICONS = {
  home: "M12 3l9.5 8.5-1.4 1.5L19 12v9h-5.5v-6h-3v6H5v-9l-1.1 1L2.5 11.5z",
  search: "M10 2a8 8 0 0 1 6.3 12.9l5.4 5.4-1.4 1.4-5.4-5.4A8 8 0 1 1 10 2zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12z",
  list: "M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z",
} as const;

function NavIcon(props: { name: keyof typeof NAV_ICONS }) {
  return <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d={NAV_ICONS[props.name]} /></svg>;
}

/** Phones: Home, Search, My List and the account at the bottom, within reach of a thumb (hidden on wider screens). */
function BottomNav() {
  return (
    <nav class="bottom-nav" aria-label={t("nav.main")}>
      <A href="/" end><NavIcon name="home" /><span>{t("nav.home")}</span></A>
      <A href="/search"><NavIcon name="search" /><span>{t("nav.search")}</span></A>
      <A href="/my-list"><NavIcon name="list" /><span>{t("nav.myList")}</span></A>
      <Show when={session()} fallback={<A href="/signin"><NoProfileAvatar /><span>{t("nav.signIn")}</span></A>}>
        <A href="/account">
          <Show when={currentProfile()} fallback={<NoProfileAvatar />}>{(p) => <Avatar id={p().avatar} />}</Show>
          <span class="profile-name">{currentProfile()?.name ?? t("nav.account")}</span>
        </A>
      </Show>
    </nav>
  );
}

/**
 * TV mode (tv/): decided before the first paint, D-pad navigation while on. Back
 * goes back through the app's own history; opened from outside (no history in
 * the app), it goes up instead: the player to its title, any page to Home.
 */
function useTvMode() {
  startTvMode();
  const navigate = useNavigate();
  const location = useLocation();
  const depth = () => (window.history.state as { _depth?: number } | null)?._depth;
  let entryDepth = 0;
  onMount(() => {
    entryDepth = depth() ?? 0;
    const stop = startTvNavigation({
      onBack: () => {
        if ((depth() ?? 0) > entryDepth) return window.history.back();
        const watching = /^\/watch\/(\d+)/.exec(location.pathname);
        if (watching) navigate(`/title/${watching[1]}`, { replace: true });
        else if (location.pathname !== "/") navigate("/", { replace: true });
      },
    });
    onCleanup(stop);
  });
  createEffect(on(() => location.pathname, () => tvPageOpened()));
}

/**
 * The interface language: the chosen profile's, else the browser's, else English; it follows a profile switch or edit at once.
 * Until the session is known the page keeps the locale it booted in (main.tsx: the one this device showed last), so a
 * profile whose language the browser does not speak is not shown in the browser's first.
 */
function useLocale() {
  createEffect(() => void (session() !== undefined && setLocale(resolveLocale(currentProfile()?.language, navigator.languages))));
  // Catalog text on screen was fetched in the previous language: fetch it again.
  createEffect(on(locale, () => void revalidate(), { defer: true }));
}

function Layout(props: RouteSectionProps) {
  useLocale();
  const navigate = useNavigate();
  const redirect = useSessionRedirect();
  const location = useLocation();
  useTvMode();
  // The app shell's service worker, from the first page that is not the player (offline/register.ts).
  createEffect(() => registerAppShell(location.pathname));
  // A page's error is that page's: going to another page shows that page, not the error. Either way (or Try again,
  // or the connection back) the route's reads are dropped first: the router's query cache would hand a failed read back.
  let resetError: (() => void) | undefined;
  const recovery = (reset: () => void) => () => {
    void revalidate();
    reset();
  };
  createEffect(on(() => location.pathname, () => {
    const reset = resetError;
    resetError = undefined;
    reset?.();
  }, { defer: true }));
  createEffect(() => {
    const to = redirect();
    if (to) navigate(to, { replace: true });
  });
  return (
    <>
      <a class="skip-link" href="#main">{t("app.skip")}</a>
      <header class="top-bar">
        <A href="/" class="brand" aria-label={t("app.home")}>MARQUEE</A>
        <nav aria-label={t("nav.sections")}>
          <A href="/" end class="nav-home">{t("nav.home")}</A>
          <A href="/browse">{t("nav.browse")}</A>
          <A href="/downloads" class="nav-downloads">{t("nav.downloads")}</A>
          <A href="/search" class="nav-search" aria-label={t("nav.search")}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d={NAV_ICONS.search} /></svg>
            <span>{t("nav.search")}</span>
          </A>
        </nav>
        <AccountMenu />
      </header>
      <Show when={!isOnline()}>
        <p class="offline-banner" role="status">
          {t("app.offline")} <A href="/downloads">{t("nav.downloads")}</A>
        </p>
      </Show>
      <main id="main" tabindex="-1"
        onKeyDown={(e) => {
          if (e.key === "/" && !(e.target instanceof HTMLInputElement)) {
            e.preventDefault();
            navigate("/search");
          }
        }}>
        <ErrorBoundary fallback={(err, reset) => <ErrorView error={err} reset={(resetError = recovery(reset))} />}>
          <Suspense>
            <Show when={session() !== undefined && !redirect()}>{props.children}</Show>
          </Suspense>
        </ErrorBoundary>
      </main>
      <ReminderNotice />
      <BottomNav />
    </>
  );
}

/** Opening a watch page asks for playback (and its first media) while the player's code loads, not after (data/prefetch.ts). */
function preloadWatch({ params, location, intent }: RoutePreloadFuncArgs): void {
  if (intent === "preload") return;
  preparePlayback(params.id!, watchTarget(location.query as { episode?: string; t?: string }));
}

/**
 * Offline sync (played reports, interrupted downloads) and smart downloads, on a
 * device that has downloads: their code (and idb) loads only then, so Home
 * does not carry it for everyone else. A first download starts them itself.
 */
function startOffline(): void {
  const start = async () => {
    const loaded = await Promise.all([import("./offline/downloader.ts"), import("./offline/smart.ts")]).catch(() => null);
    // Not on the device yet and no network (offline/chunk-failure.ts): there is nothing to sync until the connection returns anyway.
    if (!loaded) return void addEventListener("online", () => void start(), { once: true });
    loaded[0].startOfflineSync();
    loaded[1].startSmartDownloads();
  };
  void mayHaveDownloads().then((may) => (may ? void start() : addEventListener(DOWNLOAD_STARTED, () => void start(), { once: true })));
}

export function App() {
  onMount(startSession);
  onMount(startOffline);
  return (
    <Router root={Layout}>
      <Route path="/" component={Home} preload={() => void getHome(deviceClass())} />
      <Route path="/browse" component={Browse} preload={() => void getGenres()} />
      <Route path="/search" component={Search} />
      <Route path="/title/:id" component={Title} preload={({ params }) => void getTitle(params.id!)} />
      <Route path="/person/:id" component={PersonPage} preload={({ params }) => void getPerson(params.id!)} />
      <Route path="/watch/:id" component={Watch} preload={preloadWatch} />
      <Route path="/signin" component={SignIn} />
      <Route path="/signup" component={SignUp} />
      <Route path="/profiles" component={Profiles} />
      <Route path="/profiles/manage" component={ManageProfiles} />
      <Route path="/my-list" component={MyList} preload={() => void (currentProfile() && getMyList())} />
      <Route path="/account" component={AccountPage} />
      <Route path="/history" component={History} />
      <Route path="/ops" component={Ops} />
      <Route path="/downloads" component={DownloadsPage} />
      <Route path="/downloads/:id" component={OfflineWatch} />
      <Route path="*404" component={NotFound} />
    </Router>
  );
}
