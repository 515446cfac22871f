/**
 * English: Browse's words (filters and sort orders), loaded with Browse, not with Home.
 * The namespace's source: every other locale is typed `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "browse.filters": "Filters",
  "browse.genre": "Genre",
  "browse.allGenres": "All genres",
  "browse.type": "Type",
  "browse.filmsAndSeries": "Films and series",
  "browse.films": "Films",
  "browse.series": "Series",
  "browse.sort": "Sort",
  "browse.popular": "Popular",
  "browse.newest": "Newly added",
  "browse.year": "Release year",
  "browse.title": "A–Z",
  "browse.empty": "Nothing matches these filters here.",
  "browse.retry": "Retry",
};

export default en;
