/** Japanese: the Download button's and the season download's words. */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "download.download": "ダウンロード",
  "download.done": "ダウンロード済み",
  "download.downloading": "ダウンロード中 {{ percent }}",
  "download.paused": "ダウンロード一時停止中",
  "download.failed": "ダウンロードに失敗しました",
  "download.quality": "ダウンロード画質",
  "download.standard": "標準",
  "download.higher": "高画質",
  "download.queued": "待機中",
  "download.season": "{{ season }}をダウンロード",
  "download.seasonChoice": { other: "{{ quality }} · {{ count }}話 · {{ size }}" },
  "download.seasonQueued": { other: "{{ count }}話を待機リストに追加しました。順番にダウンロードされます（ダウンロードを参照）。" },
  "download.seasonPartly": "{{ total }}話中{{ queued }}話を追加しました：{{ reason }}",
  "download.seasonHeld": "このシーズンのエピソードはすべてこのデバイスにあります。",
  "download.smart": "スマートダウンロード",
  "download.smartHint": "エピソードを見終わると削除され、次にオンラインになったときに次のエピソードがダウンロードされます。",
};

export default ja;
