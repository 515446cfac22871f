/**
 * English: Search's words (the box, results, suggestions), loaded with Search, not with Home.
 * The namespace's source: every other locale is typed `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "search.title": "Search",
  "search.pageTitle": "“{{ q }}” · Search",
  "search.label": "Search titles, people, genres",
  "search.placeholder": "Titles, people, genres",
  "search.none": "No results for “{{ q }}”.",
  "search.tryInstead": "Try instead",
  "search.hint": "Check the spelling, try fewer words — or start from here:",
  "search.popular": "Popular right now",
  "search.byGenre": "Browse by genre",
  "search.results": { one: "{{ count }} result", other: "{{ count }} results" },
};

export default en;
