-- Usernames (lower-cased keys) and emails share one namespace, so a username equal to someone's email
-- (or the reverse) cannot take over log-in by email. The primary key makes this hold under concurrent
-- sign-ups.
CREATE TABLE "login_names" (
    "name" VARCHAR(254) NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "login_names_pkey" PRIMARY KEY ("name")
);

CREATE INDEX "login_names_user_id_idx" ON "login_names"("user_id");

ALTER TABLE "login_names" ADD CONSTRAINT "login_names_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing accounts: emails first, so where a username squats someone's email the email's owner keeps it.
INSERT INTO "login_names" ("name", "user_id") SELECT "email", "id" FROM "users" ON CONFLICT DO NOTHING;
INSERT INTO "login_names" ("name", "user_id") SELECT "username_key", "id" FROM "users" ON CONFLICT DO NOTHING;
