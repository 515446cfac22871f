/** Arabic: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "title.suitableFrom": "مناسب من سن {{ age }}",
  "title.seasons": { zero: "لا مواسم", one: "موسم واحد", two: "موسمان", few: "{{ count }} مواسم", many: "{{ count }} موسمًا", other: "{{ count }} موسم" },
  "title.play": "تشغيل",
  "title.resume": "استئناف",
  "title.resumeLeft": "استئناف · {{ left }}",
  "title.watched": "تمت مشاهدته",
  "title.audio": "الصوت",
  "title.subtitles": "الترجمة",
  "title.leaving": "متاح حتى",
  "title.leavingIn": "{{ date }} ({{ relative }})",
  "title.episodes": "الحلقات",
  "title.season": "الموسم",
  "title.playEpisode": "تشغيل الحلقة {{ episode }}: {{ name }}",
  "title.watchedOfEpisode": "ما شوهد من الحلقة {{ episode }}",
  "title.downloadEpisode": "تنزيل الحلقة {{ episode }}",
  "title.credits": "طاقم التمثيل والعمل",
  "title.cast": "طاقم التمثيل",
  "title.crew": "فريق العمل",
  "title.as": "بدور {{ character }}",
  "title.originalTitle": "العنوان الأصلي",
  "person.knownFor": "اشتهر بـ",
  "person.none": "لا أعمال متاحة في منطقتك.",
};

export default ar;
