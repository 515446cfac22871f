/** Arabic: Browse's words (filters and sort orders). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "browse.filters": "عوامل التصفية",
  "browse.genre": "النوع",
  "browse.allGenres": "كل الأنواع",
  "browse.type": "الصنف",
  "browse.filmsAndSeries": "أفلام ومسلسلات",
  "browse.films": "أفلام",
  "browse.series": "مسلسلات",
  "browse.sort": "الترتيب",
  "browse.popular": "الأكثر شعبية",
  "browse.newest": "المضاف حديثًا",
  "browse.year": "سنة الإصدار",
  "browse.title": "أ–ي",
  "browse.empty": "لا شيء يطابق عوامل التصفية هذه.",
  "browse.retry": "إعادة المحاولة",
};

export default ar;
