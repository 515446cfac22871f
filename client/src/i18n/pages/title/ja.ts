/** Japanese: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "title.suitableFrom": "{{ age }}歳以上推奨",
  "title.seasons": { other: "{{ count }}シーズン" },
  "title.play": "再生",
  "title.resume": "続きから再生",
  "title.resumeLeft": "続きから再生・{{ left }}",
  "title.watched": "視聴済み",
  "title.audio": "音声",
  "title.subtitles": "字幕",
  "title.leaving": "配信終了",
  "title.leavingIn": "{{ date }}（{{ relative }}）",
  "title.episodes": "エピソード",
  "title.season": "シーズン",
  "title.playEpisode": "第{{ episode }}話を再生：{{ name }}",
  "title.watchedOfEpisode": "第{{ episode }}話の視聴済み部分",
  "title.downloadEpisode": "第{{ episode }}話をダウンロード",
  "title.credits": "キャストとスタッフ",
  "title.cast": "キャスト",
  "title.crew": "スタッフ",
  "title.as": "{{ character }} 役",
  "title.originalTitle": "原題",
  "person.knownFor": "代表作",
  "person.none": "お住まいの地域で視聴できる作品はありません。",
};

export default ja;
