import { createAsync, useParams } from "@solidjs/router";
import { Show } from "solid-js";
import { Grid } from "../components/tiles.tsx";
import { getPerson } from "../data/api.ts";
import { usePageTitle } from "../components/page-title.ts";
import { titleWords } from "../i18n/pages/title/index.ts";

/** The person page's words live with the title page's (i18n/pages/title): loaded with the page, not with Home. */
const { t } = titleWords;

/** A person and the titles they worked on (those visible here). */
export default function PersonPage() {
  const params = useParams<{ id: string }>();
  const person = createAsync(() => getPerson(params.id));
  usePageTitle(() => person()?.name);
  return (
    <Show when={person()}>
      {(p) => (
        <div class="page person">
          <h1 dir="auto">{p().name}</h1>
          <Show when={p().bio}><p class="bio">{p().bio}</p></Show>
          <h2>{t("person.knownFor")}</h2>
          <Show when={p().titles.length > 0} fallback={<p class="empty">{t("person.none")}</p>}>
            <Grid titles={p().titles} />
          </Show>
        </div>
      )}
    </Show>
  );
}
