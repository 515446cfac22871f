CREATE TABLE `co_watch` (
	`title_a` integer NOT NULL,
	`title_b` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`title_a`, `title_b`),
	FOREIGN KEY (`title_a`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`title_b`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "co_watch_order" CHECK("co_watch"."title_a" <= "co_watch"."title_b")
);
--> statement-breakpoint
CREATE INDEX `co_watch_b` ON `co_watch` (`title_b`,`title_a`);--> statement-breakpoint
CREATE TABLE `profile_recent_titles` (
	`profile_id` text NOT NULL,
	`title_id` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`profile_id`, `title_id`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `profile_recent_titles_last` ON `profile_recent_titles` (`profile_id`,`last_at`);--> statement-breakpoint
CREATE TABLE `title_stats_daily` (
	`title_id` integer NOT NULL,
	`country` text NOT NULL,
	`day` integer NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	`completions` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`title_id`, `country`, `day`),
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `title_stats_daily_country_day` ON `title_stats_daily` (`country`,`day`);--> statement-breakpoint
CREATE INDEX `title_stats_daily_day` ON `title_stats_daily` (`day`);