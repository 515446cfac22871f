-- The e-mail → account index, one copy of this schema in each EMAIL_INDEX_<n> database
-- (worker/auth/email-index.ts routes an e-mail to its shard). Sign-in reads only this table:
-- the account's id and password hash, without the primary DB (docs/SCALING.md §6.1).
-- `state` is 'pending' from the moment sign-up claims the e-mail until the account's row is
-- written to DB, then 'active'; a pending row whose account never appeared is taken over.
CREATE TABLE `email_index` (
	`email` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`password_salt` text NOT NULL,
	`password_iterations` integer NOT NULL,
	`state` text NOT NULL CHECK (`state` IN ('pending', 'active')),
	`updated_at` integer NOT NULL
);
