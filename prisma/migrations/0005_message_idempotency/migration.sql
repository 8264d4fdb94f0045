-- sendMessage(clientMessageId:): a retried send with the same key returns the stored message
ALTER TABLE "messages" ADD COLUMN "client_message_id" VARCHAR(64);

CREATE UNIQUE INDEX "messages_sender_id_client_message_id_key" ON "messages"("sender_id", "client_message_id");
