CREATE TABLE `qoe_hours` (
	`minute` integer NOT NULL,
	`title_id` integer NOT NULL,
	`rendition` integer NOT NULL,
	`pathway` text NOT NULL,
	`country` text NOT NULL,
	`device` text NOT NULL,
	`player` text NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	`started` integer DEFAULT 0 NOT NULL,
	`startup_ms` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`exits_before_start` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`stalls` integer DEFAULT 0 NOT NULL,
	`watch_ms` integer DEFAULT 0 NOT NULL,
	`rebuffer_ms` integer DEFAULT 0 NOT NULL,
	`playing_ms` integer DEFAULT 0 NOT NULL,
	`rated_ms` integer DEFAULT 0 NOT NULL,
	`kbps_ms` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`minute`, `title_id`, `rendition`, `pathway`, `country`, `device`, `player`)
);
--> statement-breakpoint
CREATE INDEX `qoe_hours_title` ON `qoe_hours` (`title_id`,`minute`);--> statement-breakpoint
CREATE TABLE `qoe_startup_hours` (
	`minute` integer NOT NULL,
	`title_id` integer NOT NULL,
	`rendition` integer NOT NULL,
	`pathway` text NOT NULL,
	`country` text NOT NULL,
	`device` text NOT NULL,
	`player` text NOT NULL,
	`bucket` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`minute`, `title_id`, `rendition`, `pathway`, `country`, `device`, `player`, `bucket`)
);
--> statement-breakpoint
INSERT INTO `qoe_hours` SELECT `minute` - `minute` % 60, `title_id`, `rendition`, `pathway`, `country`, `device`, `player`, sum(`views`), sum(`started`), sum(`startup_ms`), sum(`failed`), sum(`exits_before_start`), sum(`completed`), sum(`stalls`), sum(`watch_ms`), sum(`rebuffer_ms`), sum(`playing_ms`), sum(`rated_ms`), sum(`kbps_ms`), sum(`errors`) FROM `qoe_minutes` GROUP BY 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint
INSERT INTO `qoe_startup_hours` SELECT `minute` - `minute` % 60, `title_id`, `rendition`, `pathway`, `country`, `device`, `player`, `bucket`, sum(`count`) FROM `qoe_startup_histogram` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
