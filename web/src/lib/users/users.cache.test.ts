import { getOperationName } from "@urql/core";
import { expect, it } from "vitest";
import { chatEventsForTests, testClient } from "../conversations/test-client.ts";
import { BlockUserDocument, ConversationListDocument, UnblockUserDocument } from "../graphql/generated/graphql.ts";
import { usersCache } from "./users.cache.ts";

const bo = (isBlockedByMe: boolean) => ({
  __typename: "User",
  id: "u2",
  username: "bo",
  nickname: "Bo",
  avatar: "/bo.png",
  elo: 1000,
  friendCount: 0,
  joinedAt: "2026-11-01T00:00:00.000Z",
  isOnline: false,
  lastActivity: "2026-12-01T10:00:00.000Z",
  inGame: false,
  isFriend: false,
  isBlockedByMe,
  hasBlockedMe: false,
});
const list = {
  chats: {
    __typename: "ChatPage",
    totalCount: 1,
    hasNextPage: false,
    nodes: [
      {
        __typename: "Chat",
        id: "c1",
        kind: "DIRECT",
        title: null,
        activityAt: "2026-12-01T10:00:00.000Z",
        unreadCount: 0,
        isBlockedByMe: false,
        hasBlockedMe: false,
        peer: bo(false),
        lastMessage: null,
      },
    ],
  },
};

it("blocking and unblocking shows on the chat with that person, once each", async () => {
  const t = testClient([usersCache, chatEventsForTests], (op) => {
    const name = getOperationName(op.query);
    if (name === "ConversationList") return list;
    if (name === "BlockUser") return { blockUser: bo(true) };
    if (name === "UnblockUser") return { unblockUser: bo(false) };
    throw new Error(`unexpected ${name}`);
  });
  const vars = { first: 30, offset: 0 };
  await t.client.query(ConversationListDocument, vars).toPromise();
  const read = () => t.client.readQuery(ConversationListDocument, vars)?.data?.chats.nodes[0];

  await t.client.mutation(BlockUserDocument, { username: "bo" }).toPromise();
  const blocked = read();
  expect(blocked?.isBlockedByMe).toBe(true);
  expect(blocked?.peer?.isBlockedByMe).toBe(true);
  await t.client.mutation(BlockUserDocument, { username: "bo" }).toPromise();
  expect(read()).toEqual(blocked);

  await t.client.mutation(UnblockUserDocument, { username: "bo" }).toPromise();
  const unblocked = read();
  expect(unblocked?.isBlockedByMe).toBe(false);
  await t.client.mutation(UnblockUserDocument, { username: "bo" }).toPromise();
  expect(read()).toEqual(unblocked);
});
