import { A } from "@solidjs/router";
import { ApiError } from "../data/api.ts";
import { refusalWords } from "../data/errors.ts";
import { t } from "../i18n/index.ts";
import { isChunkLoadError, isNetworkFailure } from "../offline/chunk-failure.ts";
import { ChunkErrorView } from "./chunk-error-view.tsx";

/** What a route shows when its data failed: a refusal that says why (data/errors.ts), not found, or a retry; its code that did not load, ChunkErrorView. */
export function ErrorView(props: { error: unknown; reset?: () => void }) {
  // The page's code did not load (offline before the app shell was stored, or a deploy), or its data got no answer
  // with the device offline: not a fault to print. Offline, it says so and opens by itself when the connection returns.
  if (props.reset && (isChunkLoadError(props.error) || (isNetworkFailure(props.error) && !navigator.onLine))) return <ChunkErrorView error={props.error} reset={props.reset} />;
  // A fault of the page itself (not an answer of the API) goes to the console with its stack, where a report or a failed browser test can read it.
  if (!(props.error instanceof ApiError)) console.error("page error:", (props.error as Error)?.stack ?? props.error);
  const refusal = () => (props.error instanceof ApiError && props.error.code !== "http_error" ? refusalWords(props.error.code) : undefined);
  const notFound = () => props.error instanceof ApiError && props.error.status === 404;
  const final = () => refusal() !== undefined || notFound();
  return (
    <div class="error-view" role="alert" data-code={props.error instanceof ApiError ? props.error.code : undefined}>
      <h1>{refusal()?.title ?? (notFound() ? t("error.notHere") : t("error.title"))}</h1>
      <p>{refusal()?.message ?? (notFound() ? t("error.notHereMessage") : String((props.error as Error)?.message ?? props.error))}</p>
      <p>
        {props.reset && !final() ? <button type="button" onClick={() => props.reset!()}>{t("error.retry")}</button> : null}{" "}
        <A href="/">{t("error.goHome")}</A>
      </p>
    </div>
  );
}
