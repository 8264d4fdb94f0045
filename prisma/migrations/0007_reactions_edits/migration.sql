-- Reactions (any single emoji per member and message), edits and tombstones of deleted messages.
CREATE TABLE "message_reactions" (
    "message_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "emoji" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_reactions_pkey" PRIMARY KEY ("message_id","user_id","emoji")
);

CREATE INDEX "message_reactions_message_id_emoji_created_at_idx" ON "message_reactions"("message_id", "emoji", "created_at");

CREATE INDEX "message_reactions_user_id_idx" ON "message_reactions"("user_id");

ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A legacy like was the receiver's: it becomes their "❤️" (U+2764 U+FE0F) reaction, by the member of the DIRECT
-- chat who is not the sender. The message time stands in for the like time, which was never stored. (Only
-- DIRECT chats have likes: groups arrive with 0006, whose likes had no liker recorded.)
INSERT INTO "message_reactions" ("message_id", "user_id", "emoji", "created_at")
SELECT m."id", cm."user_id", U&'\2764\FE0F', m."created_at"
FROM "messages" m
JOIN "chats" c ON c."id" = m."chat_id" AND c."kind" = 'DIRECT'
JOIN "chat_members" cm ON cm."chat_id" = m."chat_id" AND cm."user_id" <> m."sender_id"
WHERE m."is_liked";

ALTER TABLE "messages" DROP COLUMN "is_liked",
ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "edited_at" TIMESTAMPTZ(3);
