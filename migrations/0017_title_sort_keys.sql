CREATE TABLE `sort_locales` (
	`locale` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `title_sort_keys` (
	`locale` text NOT NULL,
	`title_id` integer NOT NULL,
	`sort_key` text NOT NULL,
	PRIMARY KEY(`locale`, `title_id`),
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `title_sort_keys_order` ON `title_sort_keys` (`locale`,`sort_key`,`title_id`);
--> statement-breakpoint
-- Each title's A–Z key in each stored locale, along the same chain as catalog/localise.ts resolveTexts walks for
-- the name (the locale, its language, the original language with the original title, English with the catalog's
-- own); each step takes that text's own key (title_localisations.sort_title, titles.original_sort_title,
-- titles.sort_title: lib/text.ts localeSortKey in the text's language), a text without one its lower-cased name.
-- The one place the chain is written for sorting: the triggers below and the fill read it.
CREATE VIEW `title_sort_key_source` AS
  SELECT s.locale AS locale, t.id AS title_id, coalesce(
    -- 1. The locale: its own name, the original title if it is the original language, the catalog's if it is English.
    (SELECT coalesce(l.sort_title, lower(trim(l.title))) FROM title_localisations l WHERE l.title_id = t.id AND l.locale = s.locale AND trim(l.title) <> ''),
    CASE WHEN t.original_language = s.locale THEN CASE WHEN trim(t.original_title) <> '' THEN coalesce(t.original_sort_title, lower(trim(t.original_title))) END END,
    CASE WHEN s.locale = 'en' THEN CASE WHEN trim(t.title) <> '' THEN t.sort_title END END,
    -- 2. Its language ("fr" for "fr-CA"), likewise.
    (SELECT coalesce(l.sort_title, lower(trim(l.title))) FROM title_localisations l WHERE l.title_id = t.id AND l.locale = s.language AND trim(l.title) <> ''),
    CASE WHEN t.original_language = s.language THEN CASE WHEN trim(t.original_title) <> '' THEN coalesce(t.original_sort_title, lower(trim(t.original_title))) END END,
    CASE WHEN s.language = 'en' THEN CASE WHEN trim(t.title) <> '' THEN t.sort_title END END,
    -- 3. The original language: its name there, else the original title.
    CASE WHEN t.original_language NOT IN (s.locale, s.language) THEN coalesce((SELECT coalesce(l.sort_title, lower(trim(l.title))) FROM title_localisations l WHERE l.title_id = t.id AND l.locale = t.original_language AND trim(l.title) <> ''), CASE WHEN trim(t.original_title) <> '' THEN coalesce(t.original_sort_title, lower(trim(t.original_title))) END) END,
    -- 4. English: its name, the original title if English is the original language, the catalog's own.
    (SELECT coalesce(l.sort_title, lower(trim(l.title))) FROM title_localisations l WHERE l.title_id = t.id AND l.locale = 'en' AND trim(l.title) <> ''),
    CASE WHEN t.original_language = 'en' THEN CASE WHEN trim(t.original_title) <> '' THEN coalesce(t.original_sort_title, lower(trim(t.original_title))) END END,
    CASE WHEN trim(t.title) <> '' THEN t.sort_title END,
    -- A row without a usable name anywhere: the catalog's own key.
    t.sort_title
  ) AS sort_key
  FROM (SELECT locale, CASE WHEN instr(locale, '-') > 0 THEN substr(locale, 1, instr(locale, '-') - 1) ELSE locale END AS language FROM sort_locales) s
  CROSS JOIN titles t;
--> statement-breakpoint
-- The stored locales: English, '*' (no text in the catalog: the chain starts at the original language), every locale
-- a title has text in, and every original language with a region ("pt-BR": its step names the original title before
-- "pt"'s). Any other locale's keys are exactly its language's, or '*''s (catalog/localise.ts sortLocale).
-- A locale added gets every title's key: the fill below, and a locale a write meets for the first time.
CREATE TRIGGER `sort_locales_fill` AFTER INSERT ON `sort_locales` BEGIN
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE locale = NEW.locale;
END;
--> statement-breakpoint
INSERT INTO `sort_locales` (`locale`) SELECT 'en' UNION SELECT '*' UNION SELECT locale FROM title_localisations UNION SELECT original_language FROM titles WHERE instr(original_language, '-') > 0;
--> statement-breakpoint
-- A title's keys follow its names: every write of a name or of a text's key recomputes the title's keys in every stored locale.
CREATE TRIGGER `title_sort_keys_titles_ins` AFTER INSERT ON `titles` BEGIN
  INSERT OR IGNORE INTO sort_locales (locale) SELECT NEW.original_language WHERE instr(NEW.original_language, '-') > 0;
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE title_id IN (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `title_sort_keys_titles_upd` AFTER UPDATE OF `title`, `sort_title`, `original_title`, `original_sort_title`, `original_language` ON `titles` BEGIN
  INSERT OR IGNORE INTO sort_locales (locale) SELECT NEW.original_language WHERE instr(NEW.original_language, '-') > 0;
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE title_id IN (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `title_sort_keys_localisations_ins` AFTER INSERT ON `title_localisations` BEGIN
  INSERT OR IGNORE INTO sort_locales (locale) VALUES (NEW.locale);
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE title_id IN (NEW.title_id);
END;
--> statement-breakpoint
CREATE TRIGGER `title_sort_keys_localisations_upd` AFTER UPDATE OF `title_id`, `locale`, `title`, `sort_title` ON `title_localisations` BEGIN
  INSERT OR IGNORE INTO sort_locales (locale) VALUES (NEW.locale);
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE title_id IN (OLD.title_id, NEW.title_id);
END;
--> statement-breakpoint
CREATE TRIGGER `title_sort_keys_localisations_del` AFTER DELETE ON `title_localisations` BEGIN
  INSERT OR REPLACE INTO title_sort_keys (locale, title_id, sort_key) SELECT locale, title_id, sort_key FROM title_sort_key_source WHERE title_id IN (OLD.title_id);
END;
