CREATE TABLE `event_reminders` (
	`profile_id` text NOT NULL,
	`event_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`profile_id`, `event_id`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `schedule_events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_reminders_event_idx` ON `event_reminders` (`event_id`);--> statement-breakpoint
CREATE TABLE `schedule_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`title_id` integer NOT NULL,
	`channel_slug` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`loops` integer DEFAULT 1 NOT NULL,
	`window_seconds` integer DEFAULT 1800 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`channel_slug`) REFERENCES `live_channels`(`slug`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "schedule_events_times" CHECK("schedule_events"."ends_at" > "schedule_events"."starts_at"),
	CONSTRAINT "schedule_events_channel" CHECK(("schedule_events"."kind" = 'live') = ("schedule_events"."channel_slug" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `schedule_events_ends_idx` ON `schedule_events` (`ends_at`);--> statement-breakpoint
CREATE INDEX `schedule_events_title_idx` ON `schedule_events` (`title_id`,`starts_at`);