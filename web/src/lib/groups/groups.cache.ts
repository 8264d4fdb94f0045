import type { UpdateResolver } from "@urql/exchange-graphcache";
import { groupDeleted } from "../chat/chat.cache.ts";
import type { DomainCache } from "../graphql/cache.ts";
import type {
  DeleteGroupMutation,
  DeleteGroupMutationVariables,
  LeaveGroupMutation,
  LeaveGroupMutationVariables,
} from "../graphql/generated/graphql.ts";

/*
 * The group events (GroupChangedEvent, GroupDeletedEvent) are applied by the chat domain's one chatEvents
 * updater (lib/chat/chat.cache.ts: groupChanged, groupDeleted). The group mutations that return the Chat
 * (rename, add, remove, roles, ownership, ban, unban) select GroupSettingsChat, which the cache normalizes by
 * itself; the two that return only `true` are here, and do what their events do: the chat leaves my lists.
 */

/** I left: as when the group is gone for me (my other tabs learn it from the GroupChangedEvent, removedMe). */
const leaveGroup: UpdateResolver<LeaveGroupMutation, LeaveGroupMutationVariables> = (result, args, cache) => {
  if (result.leaveGroup === true) groupDeleted(cache, { chatId: args.chatId });
};

const deleteGroup: UpdateResolver<DeleteGroupMutation, DeleteGroupMutationVariables> = (result, args, cache) => {
  if (result.deleteGroup === true) groupDeleted(cache, { chatId: args.chatId });
};

export const groupsCache: DomainCache = {
  updates: { Mutation: { leaveGroup, deleteGroup } },
};
