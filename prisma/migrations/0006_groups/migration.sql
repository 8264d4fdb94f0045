-- Group conversations: chats of two kinds, members with roles and read positions, bans, system messages.
-- Read state moves from per-message flags (is_read, is_really_read) to one read position per member.

CREATE TYPE "ChatKind" AS ENUM ('DIRECT', 'GROUP');
CREATE TYPE "MemberRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER');
CREATE TYPE "MessageKind" AS ENUM ('TEXT', 'SYSTEM');

-- Chat lists now start from chat_members (user_id, chat_id); the pair's unique index serves user_a_id.
DROP INDEX "chats_user_a_id_activity_at_idx";
DROP INDEX "chats_user_b_id_activity_at_idx";
DROP INDEX "messages_chat_id_is_read_idx";

ALTER TABLE "chats" ADD COLUMN "kind" "ChatKind" NOT NULL DEFAULT 'DIRECT',
ADD COLUMN "owner_id" UUID,
ADD COLUMN "title" VARCHAR(100),
ALTER COLUMN "user_a_id" DROP NOT NULL,
ALTER COLUMN "user_b_id" DROP NOT NULL;

-- DIRECT: an ordered pair (one chat per pair, by the unique index), no title, no owner. GROUP: the reverse.
ALTER TABLE "chats" ADD CONSTRAINT "chats_kind_columns" CHECK (
  ("kind" = 'DIRECT' AND "user_a_id" IS NOT NULL AND "user_b_id" IS NOT NULL AND "user_a_id" < "user_b_id"
    AND "title" IS NULL AND "owner_id" IS NULL)
  OR ("kind" = 'GROUP' AND "user_a_id" IS NULL AND "user_b_id" IS NULL AND "title" IS NOT NULL
    AND "owner_id" IS NOT NULL)
);

CREATE TABLE "chat_members" (
    "chat_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "MemberRole" NOT NULL DEFAULT 'MEMBER',
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_seq" INTEGER NOT NULL DEFAULT 0,
    "delivered_seq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "chat_members_pkey" PRIMARY KEY ("chat_id","user_id")
);

CREATE TABLE "chat_bans" (
    "chat_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "banned_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_bans_pkey" PRIMARY KEY ("chat_id","user_id")
);

CREATE INDEX "chat_members_user_id_chat_id_idx" ON "chat_members"("user_id", "chat_id");
CREATE INDEX "chat_bans_user_id_idx" ON "chat_bans"("user_id");
CREATE INDEX "chats_user_b_id_idx" ON "chats"("user_b_id");
CREATE INDEX "chats_owner_id_idx" ON "chats"("owner_id");

ALTER TABLE "chats" ADD CONSTRAINT "chats_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_members" ADD CONSTRAINT "chat_members_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_members" ADD CONSTRAINT "chat_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_bans" ADD CONSTRAINT "chat_bans_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_bans" ADD CONSTRAINT "chat_bans_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "chat_bans" ADD CONSTRAINT "chat_bans_banned_by_fkey" FOREIGN KEY ("banned_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Both people of every existing chat become its members. A member's read position is the longest prefix of
-- the messages sent to them that they really read (is_really_read): just before the first message to them
-- they never read, or the chat's last seq when they read all. So a position never marks an unread message
-- read. The price: a message read out of order after an unread one counts as unread again (legacy clients
-- read in order, so this is rare); is_read without is_really_read (set only by a block) is not a read: while
-- the block stands the chat counts as read anyway, and after it what was never read is unread, as in legacy.
-- Delivery starts at the read position: what was read was delivered.
INSERT INTO "chat_members" ("chat_id", "user_id", "role", "joined_at", "read_seq", "delivered_seq")
SELECT c."id", p."user_id", 'MEMBER', c."created_at", r."seq", r."seq"
FROM "chats" c
CROSS JOIN LATERAL (VALUES (c."user_a_id"), (c."user_b_id")) AS p("user_id")
CROSS JOIN LATERAL (
  SELECT coalesce(min(m."seq") - 1, c."last_seq") AS "seq"
  FROM "messages" m
  WHERE m."chat_id" = c."id" AND m."sender_id" <> p."user_id" AND NOT m."is_really_read"
) AS r;

ALTER TABLE "messages" DROP COLUMN "is_read",
DROP COLUMN "is_really_read",
ADD COLUMN "kind" "MessageKind" NOT NULL DEFAULT 'TEXT',
ADD COLUMN "system" JSONB;
