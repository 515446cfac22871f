import { A, useLocation } from "@solidjs/router";
import { createSignal, Match, onCleanup, onMount, Switch } from "solid-js";
import { t } from "../i18n/index.ts";
import { chunkFailureKind, reloadOnceForNewBuild, whenOnline, type ChunkFailure } from "../offline/chunk-failure.ts";

/**
 * What a route shows when its code did not load (offline/chunk-failure.ts):
 * offline, that the page is not on this device yet, retried by itself when the
 * connection returns; after a deploy, a reload onto the new build (once); else
 * a plain "did not load" with a retry. Never the browser's raw error text. Its
 * words are in the main dictionaries, which are in the entry chunk.
 */
export function ChunkErrorView(props: { error: unknown; reset: () => void }) {
  const location = useLocation();
  const [kind, setKind] = createSignal<ChunkFailure | null>(navigator.onLine ? null : "offline");
  onMount(() => {
    void chunkFailureKind(props.error, navigator.onLine).then((k) => {
      if (k === "stale" && reloadOnceForNewBuild()) return;
      setKind(k);
    });
  });
  // Back online: the page's code is fetched again at once, with no click needed.
  onCleanup(whenOnline(() => props.reset()));
  return (
    <div class="error-view chunk-error" role="alert" data-kind={kind() ?? "checking"}>
      <Switch>
        <Match when={kind() === "offline"}>
          <h1>{t("offline.pageTitle")}</h1>
          <p>{t("offline.pageMessage")}</p>
        </Match>
        <Match when={kind() !== null}>
          <h1>{t("error.chunkTitle")}</h1>
          <p>{t("error.chunkMessage")}</p>
        </Match>
      </Switch>
      <p>
        <button type="button" disabled={kind() === null} onClick={() => props.reset()}>{t("error.retry")}</button>{" "}
        {location.pathname === "/downloads" ? <A href="/">{t("error.goHome")}</A> : <A href="/downloads">{t("offline.toDownloads")}</A>}
      </p>
    </div>
  );
}
