/** Arabic: the Download button's and the season download's words. */
import type { Words } from "../../namespace.ts";
import type en from "./en.ts";

const ar: Words<typeof en> = {
  "download.download": "تنزيل",
  "download.done": "تم التنزيل",
  "download.downloading": "جارٍ التنزيل {{ percent }}",
  "download.paused": "التنزيل متوقف مؤقتًا",
  "download.failed": "فشل التنزيل",
  "download.quality": "جودة التنزيل",
  "download.standard": "قياسية",
  "download.higher": "أعلى",
  "download.queued": "في قائمة الانتظار",
  "download.season": "تنزيل {{ season }}",
  "download.seasonChoice": { zero: "{{ quality }} · لا حلقات · {{ size }}", one: "{{ quality }} · حلقة واحدة · {{ size }}", two: "{{ quality }} · حلقتان · {{ size }}", few: "{{ quality }} · {{ count }} حلقات · {{ size }}", many: "{{ quality }} · {{ count }} حلقة · {{ size }}", other: "{{ quality }} · {{ count }} حلقة · {{ size }}" },
  "download.seasonQueued": { zero: "لم تُضف أي حلقة.", one: "أُضيفت حلقة واحدة إلى قائمة الانتظار: تُنزَّل على هذا الجهاز (راجع التنزيلات).", two: "أُضيفت حلقتان إلى قائمة الانتظار: تُنزَّلان واحدة تلو الأخرى (راجع التنزيلات).", few: "أُضيفت {{ count }} حلقات إلى قائمة الانتظار: تُنزَّل واحدة تلو الأخرى (راجع التنزيلات).", many: "أُضيفت {{ count }} حلقة إلى قائمة الانتظار: تُنزَّل واحدة تلو الأخرى (راجع التنزيلات).", other: "أُضيفت {{ count }} حلقة إلى قائمة الانتظار: تُنزَّل واحدة تلو الأخرى (راجع التنزيلات)." },
  "download.seasonPartly": "أُضيفت {{ queued }} من {{ total }} حلقات إلى قائمة الانتظار: {{ reason }}",
  "download.seasonHeld": "كل حلقات هذا الموسم موجودة على هذا الجهاز.",
  "download.smart": "التنزيلات الذكية",
  "download.smartHint": "عندما تنهي حلقة، تُحذف وتُنزَّل الحلقة التالية في المرة القادمة التي تتصل فيها بالإنترنت.",
};

export default ar;
