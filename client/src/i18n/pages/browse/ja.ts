/** Japanese: Browse's words (filters and sort orders). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "browse.filters": "絞り込み",
  "browse.genre": "ジャンル",
  "browse.allGenres": "すべてのジャンル",
  "browse.type": "種類",
  "browse.filmsAndSeries": "映画とシリーズ",
  "browse.films": "映画",
  "browse.series": "シリーズ",
  "browse.sort": "並べ替え",
  "browse.popular": "人気順",
  "browse.newest": "新着順",
  "browse.year": "公開年",
  "browse.title": "五十音・ABC順",
  "browse.empty": "この条件に合う作品はありません。",
  "browse.retry": "再試行",
};

export default ja;
