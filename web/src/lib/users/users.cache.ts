import type { Cache } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import { ChatBlockStateFragmentDoc } from "../graphql/generated/graphql.ts";

/**
 * I blocked or unblocked someone (blockUser / unblockUser from a profile or a conversation): the User entity is
 * normalized from the result by itself; the DIRECT chat with them, as the cached lists show it, follows
 * (Chat.isBlockedByMe). Writing the same state twice changes nothing.
 */
export function blockChanged(cache: Cache, user: { id: string; isBlockedByMe: boolean }): void {
  const userKey = cache.keyOfEntity({ __typename: "User", id: user.id });
  for (const field of cache.inspectFields("Query")) {
    if (field.fieldName !== "chats" && field.fieldName !== "chatWith") continue;
    const value = cache.resolve("Query", field.fieldName, field.arguments ?? undefined);
    if (typeof value !== "string") continue;
    const chats = field.fieldName === "chatWith" ? [value] : cache.resolve(value, "nodes");
    if (!Array.isArray(chats)) continue;
    for (const chatKey of chats) {
      if (typeof chatKey !== "string" || cache.resolve(chatKey, "peer") !== userKey) continue;
      if (cache.resolve(chatKey, "isBlockedByMe") === user.isBlockedByMe) continue;
      const id = cache.resolve(chatKey, "id");
      if (typeof id === "string")
        cache.writeFragment(ChatBlockStateFragmentDoc, { id, isBlockedByMe: user.isBlockedByMe });
    }
  }
}

function blockedUser(value: unknown): { id: string; isBlockedByMe: boolean } | undefined {
  if (!value || typeof value !== "object") return undefined;
  if (!("id" in value) || typeof value.id !== "string") return undefined;
  if (!("isBlockedByMe" in value) || typeof value.isBlockedByMe !== "boolean") return undefined;
  return { id: value.id, isBlockedByMe: value.isBlockedByMe };
}

export const usersCache: DomainCache = {
  updates: {
    Mutation: {
      blockUser: (result, _args, cache) => {
        const user = blockedUser(result.blockUser);
        if (user) blockChanged(cache, user);
      },
      unblockUser: (result, _args, cache) => {
        const user = blockedUser(result.unblockUser);
        if (user) blockChanged(cache, user);
      },
    },
  },
};
