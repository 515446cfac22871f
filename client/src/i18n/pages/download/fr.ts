/** French: the Download button's and the season download's words. */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const fr: Words<typeof en> = {
  "download.download": "Télécharger",
  "download.done": "Téléchargé",
  "download.downloading": "Téléchargement {{ percent }}",
  "download.paused": "Téléchargement en pause",
  "download.failed": "Échec du téléchargement",
  "download.quality": "Qualité du téléchargement",
  "download.standard": "Standard",
  "download.higher": "Supérieure",
  "download.queued": "En attente",
  "download.season": "Télécharger {{ season }}",
  "download.seasonChoice": { one: "{{ quality }} · {{ count }} épisode · {{ size }}", other: "{{ quality }} · {{ count }} épisodes · {{ size }}" },
  "download.seasonQueued": { one: "{{ count }} épisode en attente : il se télécharge sur cet appareil (voir Téléchargements).", other: "{{ count }} épisodes en attente : ils se téléchargent l'un après l'autre (voir Téléchargements)." },
  "download.seasonPartly": "{{ queued }} épisodes sur {{ total }} en attente : {{ reason }}",
  "download.seasonHeld": "Tous les épisodes de cette saison sont déjà sur cet appareil.",
  "download.smart": "Téléchargements intelligents",
  "download.smartHint": "Quand vous finissez un épisode, il est supprimé et le suivant se télécharge dès que vous êtes de nouveau en ligne.",
};

export default fr;
