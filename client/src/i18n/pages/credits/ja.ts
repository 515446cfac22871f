/** Japanese words of the title page's credits (crew jobs). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ja: Words<typeof en> = {
  "job.director": "監督",
  "job.writer": "脚本家",
  "job.screenplay": "脚本",
  "job.story": "原案",
  "job.novel": "原作小説",
  "job.characters": "キャラクター原案",
  "job.creator": "クリエイター",
  "job.showrunner": "ショーランナー",
  "job.producer": "プロデューサー",
  "job.executiveProducer": "製作総指揮",
  "job.coProducer": "共同プロデューサー",
  "job.composer": "作曲",
  "job.originalMusicComposer": "オリジナル音楽",
  "job.music": "音楽",
  "job.directorOfPhotography": "撮影監督",
  "job.editor": "編集",
  "job.casting": "キャスティング",
  "job.productionDesign": "プロダクションデザイン",
  "job.artDirection": "美術監督",
  "job.costumeDesign": "衣装デザイン",
  "job.visualEffectsSupervisor": "VFXスーパーバイザー",
  "job.soundDesigner": "サウンドデザイン",
};

export default ja;
