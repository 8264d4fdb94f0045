import type { Client, CombinedError } from "@urql/core";
import { derived, type Readable, writable } from "svelte/store";
import { SendMessageDocument } from "../graphql/generated/graphql.ts";
import type { PendingRow } from "./timeline.ts";

/**
 * Sends in flight or failed, shown after the history until the server's message (same clientMessageId, echoed
 * as its clientTimestamp) takes their place. A retry sends the same clientMessageId: the API answers a repeat
 * with the message already stored under it and sends no second event, so a retry never makes two messages.
 */
const sends = writable<readonly PendingRow[]>([]);

export const pendingSends = { subscribe: sends.subscribe };

export function pendingIn(chatId: string): Readable<readonly PendingRow[]> {
  return derived(sends, (all) => all.filter((one) => one.chatId === chatId));
}

/** An idempotency key (1 to 64 characters): random, without relying on crypto.randomUUID (secure pages only). */
export function newClientMessageId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `web-${Date.now().toString(36)}-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function update(clientMessageId: string, change: Partial<PendingRow> | null): void {
  sends.update((all) =>
    change === null
      ? all.filter((one) => one.clientMessageId !== clientMessageId)
      : all.map((one) => (one.clientMessageId === clientMessageId ? { ...one, ...change } : one)),
  );
}

export function sendErrorText(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return error.networkError ? "Not sent: no connection." : "Not sent.";
}

async function deliver(client: Client, row: PendingRow): Promise<void> {
  const result = await client
    .mutation(SendMessageDocument, {
      chatId: row.chatId,
      content: row.content,
      clientMessageId: row.clientMessageId,
      clientTimestamp: row.clientMessageId,
      attachmentIds: row.attachmentIds.length ? [...row.attachmentIds] : null,
    })
    .toPromise();
  if (result.error || !result.data) {
    update(row.clientMessageId, { state: "failed", error: result.error ? sendErrorText(result.error) : "Not sent." });
    return;
  }
  // the cache has the message now (the mutation's own updater linked it): the pending row goes
  update(row.clientMessageId, null);
}

/** Shows the message as pending at once, then sends it. */
export function sendMessage(
  client: Client,
  chatId: string,
  content: string,
  attachmentIds: readonly string[] = [],
  clientMessageId = newClientMessageId(),
): Promise<void> {
  const row: PendingRow = {
    clientMessageId,
    chatId,
    content,
    attachmentIds,
    createdAt: new Date().toISOString(),
    state: "pending",
  };
  sends.update((all) => [...all, row]);
  return deliver(client, row);
}

/** Sends a failed message again under the same clientMessageId. */
export function retrySend(client: Client, row: PendingRow): Promise<void> {
  const again: PendingRow = { ...row, state: "pending" };
  delete again.error;
  sends.update((all) => all.map((one) => (one.clientMessageId === row.clientMessageId ? again : one)));
  return deliver(client, again);
}

export function discardSend(clientMessageId: string): void {
  update(clientMessageId, null);
}

/** Pending rows not yet matched by a message from the server (the echo may come before the mutation's answer). */
export function unmatched(
  pending: readonly PendingRow[],
  messages: readonly { clientTimestamp: string | null }[],
): PendingRow[] {
  if (pending.length === 0) return [];
  const echoed = new Set(messages.map((m) => m.clientTimestamp).filter((t): t is string => t !== null));
  return pending.filter((one) => !echoed.has(one.clientMessageId));
}
