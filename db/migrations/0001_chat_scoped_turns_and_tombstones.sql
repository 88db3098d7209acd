CREATE TABLE `deleted_chats` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`deleted_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
DROP INDEX `messages_turn_role_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_chat_turn_role_idx` ON `messages` (`chat_id`,`turn_id`,`role`);