/**
 * Context nudges: the time of day and the device class change the order of the
 * rows (never their content). Each row gets a priority — its base, plus the
 * profile's affinity for a genre row, plus the nudges below — and rows are shown
 * highest first (ties keep the base order).
 *
 * Base priorities: Picked for you 90, first "Because you watched" 80 (second 70),
 * Trending 75, Top 10 72, My List 65, New releases 60, Popular (cold start) 85,
 * genre rows 50 + 20 × the genre's share of the profile's affinity (0..1).
 *
 * | context                  | nudge                                                    | why |
 * |--------------------------|----------------------------------------------------------|-----|
 * | TV                       | Top 10 +12, Picked for you +6, New releases −5           | lean-back: a big screen goes for a sure thing |
 * | phone                    | New releases +10, Trending +8, Because you watched −5    | short sessions: quick, fresh picks |
 * | desktop                  | none                                                     | the base order |
 * | morning (05–11)          | New releases +8; Comedy, Family, Animation, Kids, Documentary rows +10 | light viewing |
 * | daytime (11–17)          | Trending +4                                              | what others watch today |
 * | evening (17–23)          | Picked for you +8, Top 10 +5; Drama, Thriller, Action, Crime rows +6 | the main viewing time |
 * | late night (23–05)       | Because you watched +10; Horror, Thriller, Science Fiction rows +8; Family, Kids rows −10 | keep going with what you were watching |
 *
 * So on a TV in the evening Top 10 (89) outranks New releases (55), while on a
 * phone in the morning New releases (78) outranks Top 10 (72).
 */
import type { DeviceClass, RowKind } from "./types.ts";

export type DayPart = "morning" | "daytime" | "evening" | "late-night";

/** The part of the day of a local hour (0..23). */
export function dayPart(localHour: number): DayPart {
  const h = ((Math.floor(localHour) % 24) + 24) % 24;
  if (h >= 5 && h < 11) return "morning";
  if (h >= 11 && h < 17) return "daytime";
  if (h >= 17 && h < 23) return "evening";
  return "late-night";
}

/** How many rows fit above the fold on a device (Continue Watching, when shown, takes one of them). */
export function foldRows(device: DeviceClass): number {
  return device === "desktop" ? 4 : 3;
}

const BASE: Record<RowKind, number> = {
  "picked-for-you": 90,
  popular: 85,
  "because-you-watched": 80,
  trending: 75,
  top10: 72,
  "my-list": 65,
  "new-releases": 60,
  genre: 50,
};

const DEVICE: Record<DeviceClass, Partial<Record<RowKind, number>>> = {
  tv: { top10: 12, "picked-for-you": 6, "new-releases": -5 },
  phone: { "new-releases": 10, trending: 8, "because-you-watched": -5 },
  desktop: {},
};

const DAY_PART: Record<DayPart, Partial<Record<RowKind, number>>> = {
  morning: { "new-releases": 8 },
  daytime: { trending: 4 },
  evening: { "picked-for-you": 8, top10: 5 },
  "late-night": { "because-you-watched": 10 },
};

/** Genre rows nudged by the part of the day (matched on lower-cased genre names). */
const GENRE_DAY_PART: Record<DayPart, Record<string, number>> = {
  morning: { comedy: 10, family: 10, animation: 10, animated: 10, kids: 10, documentary: 10 },
  daytime: {},
  evening: { drama: 6, thriller: 6, action: 6, crime: 6 },
  "late-night": { horror: 8, thriller: 8, "science fiction": 8, "sci-fi": 8, family: -10, kids: -10 },
};

export interface RowForOrdering {
  kind: RowKind;
  genre?: string;
  /** 0 for the first "Because you watched" row, 1 for the second… */
  rank?: number;
  /** The genre's share of the profile's positive affinity, 0..1 (genre rows). */
  affinityShare?: number;
}

/** A row's priority in this context (higher is shown first). */
export function rowPriority(row: RowForOrdering, device: DeviceClass, localHour: number): number {
  const part = dayPart(localHour);
  let p = BASE[row.kind] + (DEVICE[device][row.kind] ?? 0) + (DAY_PART[part][row.kind] ?? 0);
  if (row.kind === "because-you-watched") p -= 10 * (row.rank ?? 0);
  if (row.kind === "genre") {
    p += 20 * Math.min(1, Math.max(0, row.affinityShare ?? 0));
    p += GENRE_DAY_PART[part][(row.genre ?? "").toLowerCase()] ?? 0;
  }
  return p;
}

/** Rows sorted by priority in this context, highest first; ties keep the given order. */
export function orderRows<T extends RowForOrdering>(rows: T[], device: DeviceClass, localHour: number): T[] {
  return rows
    .map((row, i) => ({ row, i, p: rowPriority(row, device, localHour) }))
    .sort((a, b) => b.p - a.p || a.i - b.i)
    .map((x) => x.row);
}
