CREATE TABLE `asset_objects` (
	`asset_id` text NOT NULL,
	`key` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`content_type` text NOT NULL,
	PRIMARY KEY(`asset_id`, `key`),
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `assets` (
	`id` text PRIMARY KEY NOT NULL,
	`title_id` integer,
	`episode_id` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`key_prefix` text NOT NULL,
	`master_key` text NOT NULL,
	`duration_seconds` real NOT NULL,
	`segment_seconds` real NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`checksum_sha256` text,
	`intro_start_seconds` real,
	`intro_end_seconds` real,
	`credits_start_seconds` real,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`episode_id`) REFERENCES `episodes`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "assets_owner" CHECK(("assets"."title_id" IS NULL) <> ("assets"."episode_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `assets_title` ON `assets` (`title_id`,`status`);--> statement-breakpoint
CREATE INDEX `assets_episode` ON `assets` (`episode_id`,`status`);--> statement-breakpoint
CREATE TABLE `availability` (
	`id` integer PRIMARY KEY NOT NULL,
	`title_id` integer NOT NULL,
	`region` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "availability_region" CHECK(length("availability"."region") = 2 AND "availability"."region" = upper("availability"."region"))
);
--> statement-breakpoint
CREATE INDEX `availability_title` ON `availability` (`title_id`,`region`);--> statement-breakpoint
CREATE TABLE `credits` (
	`id` integer PRIMARY KEY NOT NULL,
	`title_id` integer NOT NULL,
	`person_id` integer NOT NULL,
	`role` text NOT NULL,
	`character` text,
	`job` text,
	`billing_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `credits_title` ON `credits` (`title_id`,`role`,`billing_order`);--> statement-breakpoint
CREATE INDEX `credits_person` ON `credits` (`person_id`);--> statement-breakpoint
CREATE TABLE `episodes` (
	`id` integer PRIMARY KEY NOT NULL,
	`season_id` integer NOT NULL,
	`title_id` integer NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`overview` text DEFAULT '' NOT NULL,
	`runtime_minutes` integer,
	`air_date` text,
	`still_url` text,
	FOREIGN KEY (`season_id`) REFERENCES `seasons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `episodes_season_number` ON `episodes` (`season_id`,`number`);--> statement-breakpoint
CREATE INDEX `episodes_title` ON `episodes` (`title_id`);--> statement-breakpoint
CREATE TABLE `genres` (
	`id` integer PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `genres_slug_unique` ON `genres` (`slug`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`bio` text,
	`photo_url` text
);
--> statement-breakpoint
CREATE TABLE `renditions` (
	`id` integer PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`kind` text NOT NULL,
	`width` integer,
	`height` integer,
	`frame_rate` real,
	`bandwidth_bps` integer NOT NULL,
	`average_bandwidth_bps` integer NOT NULL,
	`codecs` text NOT NULL,
	`format` text DEFAULT 'cmaf' NOT NULL,
	`language` text,
	`label` text,
	`channels` integer,
	`is_default` integer DEFAULT false NOT NULL,
	`playlist_key` text NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `renditions_asset` ON `renditions` (`asset_id`,`kind`);--> statement-breakpoint
CREATE TABLE `seasons` (
	`id` integer PRIMARY KEY NOT NULL,
	`title_id` integer NOT NULL,
	`number` integer NOT NULL,
	`name` text NOT NULL,
	`overview` text DEFAULT '' NOT NULL,
	`release_year` integer,
	`poster_url` text,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seasons_title_number` ON `seasons` (`title_id`,`number`);--> statement-breakpoint
CREATE TABLE `subtitle_tracks` (
	`id` integer PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`language` text NOT NULL,
	`label` text NOT NULL,
	`format` text DEFAULT 'webvtt' NOT NULL,
	`playlist_key` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`is_forced` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subtitle_tracks_asset` ON `subtitle_tracks` (`asset_id`);--> statement-breakpoint
CREATE TABLE `title_genres` (
	`title_id` integer NOT NULL,
	`genre_id` integer NOT NULL,
	PRIMARY KEY(`title_id`, `genre_id`),
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`genre_id`) REFERENCES `genres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `title_genres_genre` ON `title_genres` (`genre_id`,`title_id`);--> statement-breakpoint
CREATE TABLE `titles` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`original_title` text,
	`sort_title` text NOT NULL,
	`tagline` text,
	`description` text DEFAULT '' NOT NULL,
	`release_year` integer NOT NULL,
	`runtime_minutes` integer,
	`original_language` text DEFAULT 'en' NOT NULL,
	`audio_languages` text DEFAULT '[]' NOT NULL,
	`subtitle_languages` text DEFAULT '[]' NOT NULL,
	`maturity_age` integer DEFAULT 0 NOT NULL,
	`popularity` real DEFAULT 0 NOT NULL,
	`added_at` integer NOT NULL,
	`poster_url` text,
	`backdrop_url` text,
	`logo_url` text,
	CONSTRAINT "titles_maturity_age" CHECK("titles"."maturity_age" IN (0, 7, 13, 16, 18))
);
--> statement-breakpoint
CREATE INDEX `titles_popularity` ON `titles` (`popularity`,`id`);--> statement-breakpoint
CREATE INDEX `titles_added` ON `titles` (`added_at`,`id`);--> statement-breakpoint
CREATE INDEX `titles_year` ON `titles` (`release_year`,`id`);--> statement-breakpoint
CREATE INDEX `titles_sort_title` ON `titles` (`sort_title`,`id`);--> statement-breakpoint
CREATE INDEX `titles_type_popularity` ON `titles` (`type`,`popularity`,`id`);--> statement-breakpoint
CREATE TABLE `trickplay` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`interval_seconds` real NOT NULL,
	`tile_width` integer NOT NULL,
	`tile_height` integer NOT NULL,
	`columns` integer NOT NULL,
	`rows` integer NOT NULL,
	`vtt_key` text NOT NULL,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE cascade
);
