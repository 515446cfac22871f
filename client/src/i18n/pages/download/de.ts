/** German: the Download button's and the season download's words. */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const de: Words<typeof en> = {
  "download.download": "Herunterladen",
  "download.done": "Heruntergeladen",
  "download.downloading": "Wird geladen: {{ percent }}",
  "download.paused": "Download pausiert",
  "download.failed": "Download fehlgeschlagen",
  "download.quality": "Downloadqualität",
  "download.standard": "Standard",
  "download.higher": "Höher",
  "download.queued": "In der Warteschlange",
  "download.season": "{{ season }} herunterladen",
  "download.seasonChoice": { one: "{{ quality }} · {{ count }} Folge · {{ size }}", other: "{{ quality }} · {{ count }} Folgen · {{ size }}" },
  "download.seasonQueued": { one: "{{ count }} Folge in der Warteschlange: Sie wird auf dieses Gerät geladen (siehe Downloads).", other: "{{ count }} Folgen in der Warteschlange: Sie werden nacheinander geladen (siehe Downloads)." },
  "download.seasonPartly": "{{ queued }} von {{ total }} Folgen in der Warteschlange: {{ reason }}",
  "download.seasonHeld": "Alle Folgen dieser Staffel sind schon auf diesem Gerät.",
  "download.smart": "Intelligente Downloads",
  "download.smartHint": "Wenn du eine Folge zu Ende siehst, wird sie gelöscht und die nächste geladen, sobald du wieder online bist.",
};

export default de;
