import type { Cache, UpdateResolver } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import {
  type GroupChangedFieldsFragment,
  GroupChatListIdsDocument,
  type GroupDeletedFieldsFragment,
  GroupTitleFragmentDoc,
} from "../graphql/generated/graphql.ts";

/** Changes that move people in or out, or change their roles: the members lists are stale after them. */
const MEMBERSHIP_ACTIONS = new Set([
  "GROUP_CREATED",
  "MEMBERS_ADDED",
  "MEMBER_REMOVED",
  "MEMBER_BANNED",
  "MEMBER_LEFT",
  "ROLE_CHANGED",
  "OWNERSHIP_TRANSFERRED",
]);
/** Changes that may have changed my own role. */
const ROLE_ACTIONS = new Set(["ROLE_CHANGED", "OWNERSHIP_TRANSFERRED"]);

const chatKey = (cache: Cache, chatId: string) => cache.keyOfEntity({ __typename: "Chat", id: chatId });

/** Takes a chat out of every cached page of `Query.chats` (each page's count too). Twice changes nothing. */
export function removeChatFromLists(cache: Cache, chatId: string): void {
  for (const field of cache.inspectFields("Query")) {
    if (field.fieldName !== "chats") continue;
    const variables = field.arguments ?? {};
    cache.updateQuery({ query: GroupChatListIdsDocument, variables }, (data) => {
      if (!data) return data;
      const nodes = data.chats.nodes.filter((node) => node.id !== chatId);
      if (nodes.length === data.chats.nodes.length) return data;
      const removed = data.chats.nodes.length - nodes.length;
      return { ...data, chats: { ...data.chats, nodes, totalCount: Math.max(0, data.chats.totalCount - removed) } };
    });
  }
}

/** Every cached `members(…)` page of a chat goes stale, so open views refetch it. */
function invalidateMembers(cache: Cache, chatId: string): void {
  const key = chatKey(cache, chatId);
  if (!key) return;
  for (const field of cache.inspectFields(key)) {
    if (field.fieldName === "members") cache.invalidate(key, field.fieldName, field.arguments ?? undefined);
  }
}

/**
 * GroupChangedEvent (the chatEvents updater calls this; the SYSTEM message itself is the chat domain's, as
 * any message): the title is the event's; membership changes make the members lists refetch; a role
 * change makes my role refetch; a change that took me out removes the chat from my lists. Idempotent.
 */
export function groupChanged(cache: Cache, event: GroupChangedFieldsFragment): void {
  const key = chatKey(cache, event.chatId);
  if (!key) return;
  if (event.removedMe) {
    removeChatFromLists(cache, event.chatId);
    invalidateMembers(cache, event.chatId);
    return;
  }
  cache.writeFragment(GroupTitleFragmentDoc, { id: event.chatId, title: event.title });
  const action = event.message.system?.action;
  if (!action || MEMBERSHIP_ACTIONS.has(action)) invalidateMembers(cache, event.chatId);
  if (!action || ROLE_ACTIONS.has(action)) cache.invalidate(key, "myRole");
}

/** GroupDeletedEvent, and my own deleteGroup / leaveGroup: gone from my lists and from the cache. Idempotent. */
export function groupDeleted(cache: Cache, event: Pick<GroupDeletedFieldsFragment, "chatId">): void {
  removeChatFromLists(cache, event.chatId);
  const key = chatKey(cache, event.chatId);
  if (key) cache.invalidate(key);
}

/** I left: the group is out of my lists (the server tells my other tabs with a GroupChangedEvent). */
export function groupLeft(cache: Cache, chatId: string): void {
  removeChatFromLists(cache, chatId);
  invalidateMembers(cache, chatId);
}

const leaveGroup: UpdateResolver = (result, args, cache) => {
  if (result.leaveGroup === true && typeof args.chatId === "string") groupLeft(cache, args.chatId);
};
const deleteGroup: UpdateResolver = (result, args, cache) => {
  if (result.deleteGroup === true && typeof args.chatId === "string") groupDeleted(cache, { chatId: args.chatId });
};

/**
 * The groups domain's part of the cache: the two group mutations that return no Chat. The others return the
 * Chat, which the cache normalizes by itself; the events' updaters are called by the chat domain's
 * chatEvents updater (one updater per subscription field).
 */
export const groupsCache: DomainCache = {
  updates: { Mutation: { leaveGroup, deleteGroup } },
};
