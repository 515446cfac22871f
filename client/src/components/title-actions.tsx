/**
 * A title's personal buttons for the chosen profile: My List (+ / ✓) and the
 * three thumbs. Both change on click and save behind the scenes, in order; a
 * failed save puts the button back and says why.
 */
import { createAsync, revalidate } from "@solidjs/router";
import { createSignal, For, Show, Suspense, type JSX } from "solid-js";
import { addToMyList, getMyList, getRatings, rateTitle, removeFromMyList, type RatingValue } from "../data/api.ts";
import { createSaveQueue, errorMessage } from "./form.tsx";
import { actionWords } from "../i18n/pages/actions/index.ts";

/** The actions' words (i18n/pages/actions): loaded with the pages that show them, not with Home. */
const { t } = actionWords;

const THUMB = "M2 20h3V9H2zm20-10a2 2 0 0 0-2-2h-5.7l.9-4.4v-.3a1.5 1.5 0 0 0-.4-1L13.7 1 7.6 7.6A2 2 0 0 0 7 9v9a2 2 0 0 0 2 2h8.5a2 2 0 0 0 1.8-1.2l2.6-6.3a2 2 0 0 0 .1-.7z";

const RATINGS: { value: RatingValue; label: () => string; icon: () => JSX.Element }[] = [
  { value: -1, label: () => t("actions.notForMe"), icon: () => <path d={THUMB} transform="rotate(180 12 12)" /> },
  { value: 1, label: () => t("actions.like"), icon: () => <path d={THUMB} /> },
  {
    value: 2,
    label: () => t("actions.love"),
    icon: () => (
      <>
        <path d={THUMB} transform="translate(-3 -2) scale(0.85)" opacity="0.65" />
        <path d={THUMB} transform="translate(5 4) scale(0.8)" />
      </>
    ),
  },
];

export function TitleActions(props: { titleId: number; title: string }) {
  const list = createAsync(() => getMyList());
  const ratings = createAsync(() => getRatings());
  // Optimistic values: shown until the next visit, whatever the cached reads say.
  const [listed, setListed] = createSignal<boolean>();
  const [rated, setRated] = createSignal<RatingValue | null>();
  const [error, setError] = createSignal("");
  const enqueue = createSaveQueue();

  const inList = () => listed() ?? list()?.some((t) => t.id === props.titleId) ?? false;
  const rating = () => {
    const mine = rated();
    return mine !== undefined ? mine : (ratings()?.find((r) => r.titleId === props.titleId)?.value as RatingValue | undefined) ?? null;
  };

  function toggleList() {
    const was = inList();
    setListed(!was);
    setError("");
    enqueue(() => (was ? removeFromMyList(props.titleId) : addToMyList(props.titleId)))
      .then(() => revalidate(getMyList.key))
      .catch((e: unknown) => {
        setListed(was);
        setError(t(was ? "actions.removeFailed" : "actions.addFailed", { reason: errorMessage(e) }));
      });
  }

  function rate(value: RatingValue) {
    const was = rating();
    const next = was === value ? null : value;
    setRated(next);
    setError("");
    enqueue(() => rateTitle(props.titleId, next))
      .then(() => revalidate(getRatings.key))
      .catch((e: unknown) => {
        setRated(was);
        setError(t("actions.rateFailed", { reason: errorMessage(e) }));
      });
  }

  return (
    <Suspense fallback={<span class="title-actions-skeleton skeleton" aria-hidden="true" />}>
      <Show when={list() && ratings()}>
        <button type="button" class="button button-outline my-list-toggle" aria-pressed={inList()} onClick={toggleList}>
          <span aria-hidden="true" class="toggle-mark">{inList() ? "✓" : "+"}</span> {t("actions.myList")}
        </button>
        <span class="ratings" role="group" aria-label={t("actions.rate", { title: props.title })}>
          <For each={RATINGS}>
            {(r) => (
              <button type="button" class="icon-button rating" aria-pressed={rating() === r.value} aria-label={r.label()} title={r.label()} onClick={() => rate(r.value)}>
                <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" fill="currentColor">{r.icon()}</svg>
                <span class="rating-label" aria-hidden="true">{r.label()}</span>
              </button>
            )}
          </For>
        </span>
      </Show>
      <p class="action-error" role="alert">{error()}</p>
    </Suspense>
  );
}
