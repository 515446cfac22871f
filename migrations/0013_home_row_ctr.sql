CREATE TABLE `home_row_days` (
	`day` integer NOT NULL,
	`row` text NOT NULL,
	`device` text NOT NULL,
	`row_views` integer DEFAULT 0 NOT NULL,
	`tile_views` integer DEFAULT 0 NOT NULL,
	`plays` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `row`, `device`)
);
