/** Arabic words of the title page's credits (crew jobs). */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "job.director": "إخراج",
  "job.writer": "كتابة",
  "job.screenplay": "سيناريو",
  "job.story": "القصة",
  "job.novel": "الرواية",
  "job.characters": "الشخصيات",
  "job.creator": "ابتكار",
  "job.showrunner": "إدارة المسلسل",
  "job.producer": "إنتاج",
  "job.executiveProducer": "إنتاج تنفيذي",
  "job.coProducer": "إنتاج مشترك",
  "job.composer": "تأليف موسيقي",
  "job.originalMusicComposer": "الموسيقى الأصلية",
  "job.music": "موسيقى",
  "job.directorOfPhotography": "مدير التصوير",
  "job.editor": "مونتاج",
  "job.casting": "اختيار الممثلين",
  "job.productionDesign": "تصميم الإنتاج",
  "job.artDirection": "إدارة فنية",
  "job.costumeDesign": "تصميم الأزياء",
  "job.visualEffectsSupervisor": "الإشراف على المؤثرات البصرية",
  "job.soundDesigner": "تصميم الصوت",
};

export default ar;
