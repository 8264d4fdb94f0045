import { Client, type Exchange, gql, makeResult, type Operation } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { beforeEach, describe, expect, it } from "vitest";
import { filter, makeSubject, map, merge, mergeMap, pipe, share } from "wonka";
import { chatCache } from "../chat/chat.cache.ts";
import { cacheOptions } from "../graphql/cache.ts";
import {
  DeleteGroupDocument,
  GroupSettingsDocument,
  LeaveGroupDocument,
  RenameGroupDocument,
} from "../graphql/generated/graphql.ts";
import { groupsCache } from "./groups.cache.ts";

const user = (name: string) => ({
  __typename: "User",
  id: `u-${name}`,
  username: name,
  nickname: name.toUpperCase(),
  avatar: "",
  isOnline: false,
});
const member = (name: string, role: string) => ({
  __typename: "ChatMember",
  role,
  joinedAt: "2026-12-01T10:00:00.000Z",
  user: user(name),
});

/** What the server holds: tests change it as the server would before the event announcing it arrives. */
interface World {
  title: string;
  myRole: string;
  members: ReturnType<typeof member>[];
  chats: string[];
}

const ChatsDocument = gql`
  query TestChats($first: Int) {
    chats(first: $first) {
      totalCount
      hasNextPage
      nodes {
        id
        title
        activityAt
      }
    }
  }
`;

const EventsDocument = gql`
  subscription TestEvents {
    chatEvents {
      __typename
      ... on GroupDeletedEvent {
        chatId
        byUserId
      }
    }
  }
`;

const chatData = (world: World, id: string) => ({
  __typename: "Chat",
  id,
  kind: "GROUP",
  title: id === "g1" ? world.title : `Title ${id}`,
  activityAt: "2026-12-01T10:00:00.000Z",
  myRole: world.myRole,
  members: {
    __typename: "MemberPage",
    totalCount: world.members.length,
    hasNextPage: false,
    nodes: world.members,
  },
});

const nameOf = (operation: Operation) =>
  operation.query.definitions.flatMap((d) => ("name" in d && d.name ? [d.name.value] : []))[0] ?? "";

type GroupEvent = { __typename: "GroupDeletedEvent"; chatId: string; byUserId: string };

function setup(world: World) {
  const events = makeSubject<GroupEvent>();
  const requests: string[] = [];
  const answer = (operation: Operation) => {
    const name = nameOf(operation);
    requests.push(name);
    const vars = operation.variables as Record<string, unknown>;
    switch (name) {
      case "TestChats":
        return {
          chats: {
            __typename: "ChatPage",
            totalCount: world.chats.length,
            hasNextPage: false,
            nodes: world.chats.map((id) => chatData(world, id)),
          },
        };
      case "GroupSettings":
        return { me: { __typename: "Me", id: "u-ann", username: "ann" }, chat: chatData(world, String(vars.chatId)) };
      case "RenameGroup":
        world.title = String(vars.title);
        return { renameGroup: chatData(world, "g1") };
      case "LeaveGroup":
        world.chats = world.chats.filter((id) => id !== vars.chatId);
        return { leaveGroup: true };
      case "DeleteGroup":
        world.chats = world.chats.filter((id) => id !== vars.chatId);
        return { deleteGroup: true };
      default:
        throw new Error(`no fixture for ${name}`);
    }
  };
  const network: Exchange = () => (operations$) => {
    const shared = pipe(operations$, share);
    return merge([
      pipe(
        shared,
        filter((op) => op.kind === "query" || op.kind === "mutation"),
        map((op) => makeResult(op, { data: answer(op) })),
      ),
      pipe(
        shared,
        filter((op) => op.kind === "subscription"),
        mergeMap((op) =>
          pipe(
            events.source,
            map((event) => makeResult(op, { data: { chatEvents: event } })),
          ),
        ),
      ),
    ]);
  };
  const client = new Client({
    url: "http://parley.invalid/graphql",
    exchanges: [cacheExchange(cacheOptions([chatCache, groupsCache])), network],
  });
  // the screens that are open: the chat list, the group's settings, and the live events
  client.query(ChatsDocument, { first: 20 }).subscribe(() => {});
  client.query(GroupSettingsDocument, { chatId: "g1" }).subscribe(() => {});
  client.subscription(EventsDocument, {}).subscribe(() => {});
  const view = () => ({
    chats: client.readQuery(ChatsDocument, { first: 20 })?.data,
    settings: client.readQuery(GroupSettingsDocument, { chatId: "g1" })?.data,
  });
  const push = async (event: GroupEvent) => {
    events.next(event);
    await tick();
  };
  return { client, push, view, requests };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

let world: World;
beforeEach(() => {
  world = {
    title: "Group",
    myRole: "OWNER",
    members: [member("ann", "OWNER"), member("bob", "MEMBER")],
    chats: ["g1", "g2"],
  };
});

describe("the group mutations", () => {
  it("renameGroup's Chat result updates the list and the settings", async () => {
    const { client, view } = setup(world);
    await tick();
    await client.mutation(RenameGroupDocument, { chatId: "g1", title: "Via mutation" }).toPromise();
    await tick();
    expect(view().chats?.chats.nodes[0].title).toBe("Via mutation");
    expect(view().settings?.chat.title).toBe("Via mutation");
  });

  it("leaveGroup takes the chat out of my lists; the GroupDeletedEvent after it changes nothing more", async () => {
    const { client, view, push } = setup(world);
    await tick();
    await client.mutation(LeaveGroupDocument, { chatId: "g1" }).toPromise();
    await tick();
    const once = view().chats;
    expect(once?.chats.nodes.map((c: { id: string }) => c.id)).toEqual(["g2"]);
    await push({ __typename: "GroupDeletedEvent", chatId: "g1", byUserId: "u-ann" });
    expect(view().chats).toEqual(once);
  });

  it("deleteGroup twice, then its event: the chat is gone once, nothing else changes", async () => {
    const { client, view, push } = setup(world);
    await tick();
    await client.mutation(DeleteGroupDocument, { chatId: "g2" }).toPromise();
    await tick();
    const once = view().chats;
    expect(once?.chats.nodes.map((c: { id: string }) => c.id)).toEqual(["g1"]);
    await client.mutation(DeleteGroupDocument, { chatId: "g2" }).toPromise();
    await push({ __typename: "GroupDeletedEvent", chatId: "g2", byUserId: "u-ann" });
    expect(view().chats).toEqual(once);
  });
});
