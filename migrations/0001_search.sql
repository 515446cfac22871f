-- Full-text search over the catalog (hand-written: drizzle-kit cannot describe FTS5 tables).
-- Rows are keyed by titles.id (the FTS rowid) and written by worker/db/search-index.ts,
-- which folds accents and punctuation in TypeScript so indexing and querying agree.

-- Word index: title, original title, cast and crew names, genres, description.
-- Prefix indexes make as-you-type suggestions cheap.
CREATE VIRTUAL TABLE `search_words` USING fts5(
  `title`, `original_title`, `people`, `genres`, `description`,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '1 2 3 4'
);
--> statement-breakpoint
-- Name index: each title's names folded and compacted ("Spider-Man" -> "spiderman"),
-- trigram-tokenised for substring matches and typo-tolerant candidate generation.
CREATE VIRTUAL TABLE `search_names` USING fts5(
  `names`,
  tokenize = 'trigram'
);
