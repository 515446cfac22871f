/**
 * English: the title page's and a person's page's words (seasons, episodes, audio and subtitles, cast and crew, known for), loaded with the title page and the person page, not with Home.
 * The namespace's source: every other locale is typed `Words<typeof en>` (i18n/namespace.ts).
 */
const en = {
  "title.suitableFrom": "Suitable from age {{ age }}",
  "title.seasons": { one: "{{ count }} season", other: "{{ count }} seasons" },
  "title.play": "Play",
  "title.resume": "Resume",
  "title.resumeLeft": "Resume · {{ left }}",
  "title.watched": "Watched",
  "title.audio": "Audio",
  "title.subtitles": "Subtitles",
  "title.leaving": "Leaving",
  "title.leavingIn": "{{ date }} ({{ relative }})",
  "title.episodes": "Episodes",
  "title.season": "Season",
  "title.playEpisode": "Play episode {{ episode }}: {{ name }}",
  "title.watchedOfEpisode": "Watched of episode {{ episode }}",
  "title.downloadEpisode": "Download episode {{ episode }}",
  "title.credits": "Cast and crew",
  "title.cast": "Cast",
  "title.crew": "Crew",
  "title.as": "as {{ character }}",
  "title.originalTitle": "Original title",
  "person.knownFor": "Known for",
  "person.none": "No titles available in your region.",
};

export default en;
