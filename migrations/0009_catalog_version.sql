CREATE TABLE `catalog_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);

--> statement-breakpoint
INSERT INTO `catalog_version` (`id`, `version`) VALUES (1, 1);
--> statement-breakpoint
CREATE TRIGGER `catalog_version_titles_ins` AFTER INSERT ON `titles` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_titles_upd` AFTER UPDATE ON `titles` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_titles_del` AFTER DELETE ON `titles` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_availability_ins` AFTER INSERT ON `availability` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_availability_upd` AFTER UPDATE ON `availability` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_availability_del` AFTER DELETE ON `availability` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_genres_ins` AFTER INSERT ON `genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_genres_upd` AFTER UPDATE ON `genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_genres_del` AFTER DELETE ON `genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_genres_ins` AFTER INSERT ON `title_genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_genres_upd` AFTER UPDATE ON `title_genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_title_genres_del` AFTER DELETE ON `title_genres` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_people_ins` AFTER INSERT ON `people` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_people_upd` AFTER UPDATE ON `people` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_people_del` AFTER DELETE ON `people` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_credits_ins` AFTER INSERT ON `credits` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_credits_upd` AFTER UPDATE ON `credits` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_credits_del` AFTER DELETE ON `credits` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_seasons_ins` AFTER INSERT ON `seasons` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_seasons_upd` AFTER UPDATE ON `seasons` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_seasons_del` AFTER DELETE ON `seasons` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_episodes_ins` AFTER INSERT ON `episodes` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_episodes_upd` AFTER UPDATE ON `episodes` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_episodes_del` AFTER DELETE ON `episodes` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_assets_ins` AFTER INSERT ON `assets` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_assets_upd` AFTER UPDATE ON `assets` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_assets_del` AFTER DELETE ON `assets` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_renditions_ins` AFTER INSERT ON `renditions` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_renditions_upd` AFTER UPDATE ON `renditions` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_renditions_del` AFTER DELETE ON `renditions` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_subtitle_tracks_ins` AFTER INSERT ON `subtitle_tracks` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_subtitle_tracks_upd` AFTER UPDATE ON `subtitle_tracks` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `catalog_version_subtitle_tracks_del` AFTER DELETE ON `subtitle_tracks` BEGIN UPDATE `catalog_version` SET `version` = `version` + 1 WHERE `id` = 1; END;
