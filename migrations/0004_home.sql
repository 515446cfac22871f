ALTER TABLE `profiles` ADD `home_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `profiles` ADD `onboarding` text;