CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`password_salt` text NOT NULL,
	`password_iterations` integer NOT NULL,
	`plan` text DEFAULT 'basic' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "accounts_email_lower" CHECK("accounts"."email" = lower("accounts"."email")),
	CONSTRAINT "accounts_plan" CHECK("accounts"."plan" IN ('basic', 'standard', 'premium'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email` ON `accounts` (`email`);--> statement-breakpoint
CREATE TABLE `my_list` (
	`profile_id` text NOT NULL,
	`title_id` integer NOT NULL,
	`position` integer NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`profile_id`, `title_id`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `my_list_order` ON `my_list` (`profile_id`,`position`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`avatar` text DEFAULT 'default' NOT NULL,
	`is_kids` integer DEFAULT false NOT NULL,
	`max_maturity_age` integer DEFAULT 18 NOT NULL,
	`language` text DEFAULT 'en' NOT NULL,
	`autoplay` integer DEFAULT true NOT NULL,
	`subtitles` text DEFAULT '{"language":null,"size":"medium","background":"semi"}' NOT NULL,
	`pin_hash` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "profiles_max_maturity_age" CHECK("profiles"."max_maturity_age" IN (0, 7, 13, 16, 18)),
	CONSTRAINT "profiles_kids_pin" CHECK(NOT ("profiles"."is_kids" AND "profiles"."pin_hash" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `profiles_account` ON `profiles` (`account_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_account_name` ON `profiles` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `ratings` (
	`profile_id` text NOT NULL,
	`title_id` integer NOT NULL,
	`value` integer NOT NULL,
	`rated_at` integer NOT NULL,
	PRIMARY KEY(`profile_id`, `title_id`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "ratings_value" CHECK("ratings"."value" IN (-1, 1, 2))
);
--> statement-breakpoint
CREATE INDEX `ratings_title` ON `ratings` (`title_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`refresh_hash` text NOT NULL,
	`profile_id` text,
	`created_at` integer NOT NULL,
	`rotated_at` integer NOT NULL,
	`revoked_at` integer,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `sessions_account` ON `sessions` (`account_id`);