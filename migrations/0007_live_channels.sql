CREATE TABLE `live_channels` (
	`slug` text PRIMARY KEY NOT NULL,
	`title_id` integer NOT NULL,
	`secret_salt` text NOT NULL,
	`secret_hash` text NOT NULL,
	`dvr_window_seconds` integer DEFAULT 7200 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
