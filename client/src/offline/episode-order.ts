/** A series' episodes in viewing order (seasons, then episodes, by number), for smart downloads' "the next one". */

export interface OrderedSeason {
  number: number;
  episodes: { id: number; number: number; name: string; mediaSeconds: number | null }[];
}

/** The episode after `episodeId` in viewing order that has video, with its season number; null after the last or for an unknown id. */
export function episodeAfter(seasons: OrderedSeason[], episodeId: number) {
  const all = [...seasons]
    .sort((a, b) => a.number - b.number)
    .flatMap((s) => [...s.episodes].sort((a, b) => a.number - b.number).map((e) => ({ ...e, season: s.number })));
  const at = all.findIndex((e) => e.id === episodeId);
  if (at < 0) return null;
  return all.slice(at + 1).find((e) => e.mediaSeconds) ?? null;
}
