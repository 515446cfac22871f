/** Arabic: Search's words (the box, results, suggestions). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "search.title": "بحث",
  "search.pageTitle": "«{{ q }}» · بحث",
  "search.label": "ابحث عن أعمال وأشخاص وأنواع",
  "search.placeholder": "أعمال، أشخاص، أنواع",
  "search.none": "لا نتائج لـ «{{ q }}».",
  "search.tryInstead": "جرّب بدلًا من ذلك",
  "search.hint": "تحقق من الإملاء أو جرّب كلمات أقل، أو ابدأ من هنا:",
  "search.popular": "الأكثر شعبية الآن",
  "search.byGenre": "تصفّح حسب النوع",
  "search.results": { zero: "لا نتائج", one: "نتيجة واحدة", two: "نتيجتان", few: "{{ count }} نتائج", many: "{{ count }} نتيجة", other: "{{ count }} نتيجة" },
};

export default ar;
