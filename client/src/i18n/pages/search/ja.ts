/** Japanese: Search's words (the box, results, suggestions). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "search.title": "検索",
  "search.pageTitle": "「{{ q }}」· 検索",
  "search.label": "作品・人物・ジャンルを検索",
  "search.placeholder": "作品、人物、ジャンル",
  "search.none": "「{{ q }}」の検索結果はありません。",
  "search.tryInstead": "代わりにこちら",
  "search.hint": "つづりを確認するか、語数を減らしてみてください。または、ここから探しましょう：",
  "search.popular": "いま人気",
  "search.byGenre": "ジャンルから探す",
  "search.results": { other: "{{ count }}件の結果" },
};

export default ja;
