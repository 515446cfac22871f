CREATE TABLE `title_localisations` (
	`title_id` integer NOT NULL,
	`locale` text NOT NULL,
	`title` text,
	`tagline` text,
	`description` text,
	PRIMARY KEY(`title_id`, `locale`),
	FOREIGN KEY (`title_id`) REFERENCES `titles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `title_localisations_locale` ON `title_localisations` (`locale`,`title_id`);--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_localisations_ins` AFTER INSERT ON `title_localisations` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_localisations_upd` AFTER UPDATE ON `title_localisations` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_localisations_del` AFTER DELETE ON `title_localisations` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
