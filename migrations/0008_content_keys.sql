CREATE TABLE `content_keys` (
	`key_prefix` text NOT NULL,
	`tier` text NOT NULL,
	`key_id` text NOT NULL,
	`wrapped_key` text NOT NULL,
	`kek_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`key_prefix`, `tier`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `content_keys_key_id` ON `content_keys` (`key_id`);--> statement-breakpoint
CREATE INDEX `content_keys_kek` ON `content_keys` (`kek_id`);