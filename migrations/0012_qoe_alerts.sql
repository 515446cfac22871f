CREATE TABLE `qoe_alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_id` integer NOT NULL,
	`state` text NOT NULL,
	`value` real,
	`at` integer NOT NULL,
	`delivered_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`rule_id`) REFERENCES `qoe_alert_rules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `qoe_alert_events_pending` ON `qoe_alert_events` (`delivered_at`,`id`);--> statement-breakpoint
CREATE INDEX `qoe_alert_events_at` ON `qoe_alert_events` (`at`);--> statement-breakpoint
CREATE TABLE `qoe_alert_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`metric` text NOT NULL,
	`op` text NOT NULL,
	`threshold` real NOT NULL,
	`window_minutes` integer NOT NULL,
	`min_views` integer NOT NULL,
	`title_id` integer,
	`pathway` text,
	`country` text,
	`device` text,
	`enabled` integer DEFAULT true NOT NULL,
	`firing` integer DEFAULT false NOT NULL,
	`changed_at` integer,
	`last_value` real,
	`created_at` integer NOT NULL
);
