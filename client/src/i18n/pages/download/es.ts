/** Spanish: the Download button's and the season download's words. */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const es: Words<typeof en> = {
  "download.download": "Descargar",
  "download.done": "Descargado",
  "download.downloading": "Descargando {{ percent }}",
  "download.paused": "Descarga en pausa",
  "download.failed": "La descarga falló",
  "download.quality": "Calidad de descarga",
  "download.standard": "Estándar",
  "download.higher": "Superior",
  "download.queued": "En cola",
  "download.season": "Descargar {{ season }}",
  "download.seasonChoice": { one: "{{ quality }} · {{ count }} episodio · {{ size }}", other: "{{ quality }} · {{ count }} episodios · {{ size }}" },
  "download.seasonQueued": { one: "{{ count }} episodio en cola: se descarga en este dispositivo (ver Descargas).", other: "{{ count }} episodios en cola: se descargan uno tras otro (ver Descargas)." },
  "download.seasonPartly": "{{ queued }} de {{ total }} episodios en cola: {{ reason }}",
  "download.seasonHeld": "Todos los episodios de esta temporada ya están en este dispositivo.",
  "download.smart": "Descargas inteligentes",
  "download.smartHint": "Cuando terminas un episodio, se borra y el siguiente se descarga la próxima vez que tengas conexión.",
};

export default es;
