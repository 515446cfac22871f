ALTER TABLE `title_localisations` ADD `sort_title` text;--> statement-breakpoint
ALTER TABLE `titles` ADD `original_sort_title` text;