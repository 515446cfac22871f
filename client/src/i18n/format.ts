/**
 * Numbers, dates, durations, lists and language/country names in the interface
 * locale, through `Intl` (formatters cached per locale).
 */
import { formatLocale, t } from "./index.ts";

const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

/** 1,234 / 1.234 / ١٬٢٣٤. */
export function formatNumber(n: number): string {
  const tag = formatLocale();
  return cached(`n:${tag}`, () => new Intl.NumberFormat(tag)).format(n);
}

/** 42 % / 42 % / ٤٢٪ (from a share 0..1). */
export function formatPercent(share: number): string {
  const tag = formatLocale();
  return cached(`p:${tag}`, () => new Intl.NumberFormat(tag, { style: "percent" })).format(share);
}

/** A date (day, month, year) in the locale's way. */
export function formatDate(ms: number, options: Intl.DateTimeFormatOptions = { dateStyle: "medium" }): string {
  const tag = formatLocale();
  return cached(`d:${tag}:${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(tag, options)).format(new Date(ms));
}

/** "in 3 days", "tomorrow", "in 5 hours": from now to `ms`, in the largest whole unit. */
export function formatRelative(ms: number, nowMs: number = Date.now()): string {
  const tag = formatLocale();
  const rtf = cached(`r:${tag}`, () => new Intl.RelativeTimeFormat(tag, { numeric: "auto" }));
  const seconds = Math.round((ms - nowMs) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), "hour");
  return rtf.format(Math.round(seconds / 86_400), "day");
}

/** A number with a unit in the locale's words (`Intl.NumberFormat` style "unit"): never a hand-built "10 s". */
function unitFormat(unit: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const tag = formatLocale();
  return cached(`u:${tag}:${unit}:${JSON.stringify(options)}`, () => new Intl.NumberFormat(tag, { style: "unit", unit, unitDisplay: "short", ...options }));
}

/** A seek's step, signed: "+10 sec", "-10 sec", "+10 s", "+10秒", "؜+١٠ ث" (the player's seek flash). */
export function formatSeekStep(deltaSeconds: number): string {
  return unitFormat("second", { signDisplay: "exceptZero" }).format(Math.round(deltaSeconds));
}

/** Seconds with one decimal: "2.9 sec", "2,9 s" (stats for nerds). */
export function formatSecondsPrecise(seconds: number): string {
  return unitFormat("second", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(seconds);
}

/** A bit rate from kbit/s: "850 kb/s", "2.35 Mb/s" in the locale's words (stats for nerds). */
export function formatBitrate(kbps: number): string {
  return kbps >= 1000
    ? unitFormat("megabit-per-second", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(kbps / 1000)
    : unitFormat("kilobit-per-second", { maximumFractionDigits: 0 }).format(kbps);
}

/** A length of time: "12 min", "1 hr, 5 min", "40 sec" (never less than a second). */
export function formatDuration(seconds: number): string {
  const unit = (u: string) => unitFormat(u);
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return unit("second").format(s);
  const minutes = Math.round(s / 60);
  if (minutes < 60) return unit("minute").format(minutes);
  const parts = [unit("hour").format(Math.floor(minutes / 60))];
  if (minutes % 60) parts.push(unit("minute").format(minutes % 60));
  return formatList(parts, "unit");
}

/** "12 min left", from the seconds left. */
export function formatTimeLeft(seconds: number): string {
  return t("time.left", { time: formatDuration(seconds) });
}

/** "English, French and German" in the locale's way. */
export function formatList(items: readonly string[], type: Intl.ListFormatType = "conjunction"): string {
  const tag = formatLocale();
  return cached(`l:${tag}:${type}`, () => new Intl.ListFormat(tag, { type, style: type === "unit" ? "narrow" : "long" })).format(items);
}

function displayName(type: "language" | "region", code: string): string {
  const tag = formatLocale();
  try {
    return cached(`dn:${tag}:${type}`, () => new Intl.DisplayNames(tag, { type })).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A language's name in the interface language ("French", "Französisch"); the tag itself when unknown. */
export function languageName(tag: string): string {
  return displayName("language", tag);
}

/** A country's name in the interface language, from its ISO code. */
export function countryName(code: string): string {
  return displayName("region", code);
}
