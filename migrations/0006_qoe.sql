CREATE TABLE `operators` (
	`account_id` text PRIMARY KEY NOT NULL,
	`granted_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `qoe_minutes` (
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
CREATE INDEX `qoe_minutes_title` ON `qoe_minutes` (`title_id`,`minute`);--> statement-breakpoint
CREATE TABLE `qoe_opt_outs` (
	`account_id` text PRIMARY KEY NOT NULL,
	`opted_out_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `qoe_startup_histogram` (
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
