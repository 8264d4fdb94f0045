// One definition per rule: the block rule and the participant rule have a TypeScript/Prisma form and a SQL form
// (users/blocks.ts, chat/chat.members.ts). Every form must give the same answers on the same data, pinned here
// for every pair of users of a small graph with blocks in one, the other and both directions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMember, memberSql, memberWhere } from "../src/domains/chat/chat.members.ts";
import { eitherBlocked, eitherBlockedSql } from "../src/domains/users/blocks.ts";
import { createLoaders } from "../src/graphql/loaders.ts";
import { clientOf, openChat, startServer, type TestServer, type TestUser } from "./harness.ts";

let server: TestServer;
const client = clientOf(() => server);
let users: TestUser[];
/** blocker index → blocked indexes */
const BLOCKS: [number, number][] = [
  [0, 1],
  [2, 0],
  [3, 4],
  [4, 3],
];

beforeAll(async () => {
  server = await startServer();
  users = await client.users(5);
  for (const [blocker, blocked] of BLOCKS) {
    await client.as(users[blocker] as TestUser, `mutation($u: String!) { blockUser(username: $u) { id } }`, {
      u: users[blocked]?.username,
    });
  }
});
afterAll(async () => {
  await server?.stop();
});

const blocks = (a: number, b: number) => BLOCKS.some(([x, y]) => x === a && y === b);
const pairs = () => [0, 1, 2, 3, 4].flatMap((a) => [0, 1, 2, 3, 4].filter((b) => b !== a).map((b) => [a, b] as const));
const user = (index: number) => users[index] as TestUser;

describe("the block rule", () => {
  it("eitherBlocked (Prisma) and eitherBlockedSql (SQL) answer alike, and as the blocks say", async () => {
    const { prisma } = server.app;
    for (const [a, b] of pairs()) {
      const expected = blocks(a, b) || blocks(b, a);
      const [row] = await prisma.$queryRawUnsafe<{ blocked: boolean }[]>(
        `SELECT ${eitherBlockedSql("$1::uuid", "$2::uuid")} AS blocked`,
        user(a).id,
        user(b).id,
      );
      expect({ a, b, sql: row?.blocked }).toEqual({ a, b, sql: expected });
      expect({ a, b, ts: await eitherBlocked(prisma, user(a).id, user(b).id) }).toEqual({ a, b, ts: expected });
    }
  });

  it("the block-flag loader and search see the same blocks, each from its side", async () => {
    const { prisma, services } = server.app;
    for (const [a, b] of pairs()) {
      const flags = await createLoaders(prisma, user(a).id).blockFlags.load(user(b).id);
      expect({ a, b, ...flags }).toEqual({ a, b, blockedByMe: blocks(a, b), hasBlockedMe: blocks(b, a) });
      const found = await services.users.search(user(a).id, user(b).username, { skip: 0, take: 10 });
      // search hides those who blocked me, and only them
      expect({ a, b, found: found.nodes.some((node) => node.id === user(b).id) }).toEqual({
        a,
        b,
        found: !blocks(b, a),
      });
    }
  });
});

describe("the participant rule: membership", () => {
  it("isMember (TS), memberWhere (Prisma) and memberSql (SQL) answer alike", async () => {
    const { prisma } = server.app;
    const group = await server.app.services.groups.createGroup(user(4).id, "rules", [
      user(0).username,
      user(2).username,
    ]);
    await server.app.services.groups.removeMember(user(4).id, group.id, user(2).username);
    const chatIds = [
      await openChat(server, user(0), user(1).username),
      await openChat(server, user(3), user(2).username),
      group.id,
    ];
    const expectedMembers = new Map([
      [chatIds[0], [user(0).id, user(1).id]],
      [chatIds[1], [user(3).id, user(2).id]],
      [group.id, [user(4).id, user(0).id]], // user 2 was removed
    ]);
    for (const chatId of chatIds) {
      const chat = await prisma.chat.findUniqueOrThrow({ where: { id: chatId }, include: { members: true } });
      for (const index of [0, 1, 2, 3, 4]) {
        const userId = user(index).id;
        const expected = expectedMembers.get(chatId)?.includes(userId) ?? false;
        const [row] = await prisma.$queryRawUnsafe<{ member: boolean }[]>(
          `SELECT ${memberSql("c", "$2::uuid")} AS member FROM chats c WHERE c.id = $1::uuid`,
          chatId,
          userId,
        );
        const viaPrisma = (await prisma.chat.count({ where: { id: chatId, ...memberWhere(userId) } })) === 1;
        expect({ index, ts: isMember(chat, userId), sql: row?.member, prisma: viaPrisma }).toEqual({
          index,
          ts: expected,
          sql: expected,
          prisma: expected,
        });
      }
    }
  });
});
