import { A } from "@solidjs/router";
import { usePageTitle } from "../components/page-title.ts";
import { t } from "../i18n/index.ts";

export default function NotFound() {
  usePageTitle(() => t("error.notFound"));
  return (
    <div class="error-view">
      <h1>{t("error.lost")}</h1>
      <p>{t("error.noPage")}</p>
      <A href="/">{t("error.goHome")}</A>
    </div>
  );
}
