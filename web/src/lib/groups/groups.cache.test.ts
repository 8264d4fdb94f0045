import { Client, type Exchange, gql, makeResult, type Operation } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { beforeEach, describe, expect, it } from "vitest";
import { filter, makeSubject, map, merge, mergeMap, pipe, share } from "wonka";
import { cacheOptions, type DomainCache } from "../graphql/cache.ts";
import {
  DeleteGroupDocument,
  type GroupChangedFieldsFragment,
  type GroupDeletedFieldsFragment,
  GroupSettingsDocument,
  LeaveGroupDocument,
  RenameGroupDocument,
  type SystemAction,
} from "../graphql/generated/graphql.ts";
import { groupChanged, groupDeleted, groupsCache } from "./groups.cache.ts";

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
      ... on GroupChangedEvent {
        chatId
        title
        removedMe
        message {
          id
          system {
            action
          }
        }
      }
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

/** The chat domain's one chatEvents updater, reduced to the group events it hands to this domain. */
type GroupEvent =
  | (GroupChangedFieldsFragment & { __typename: "GroupChangedEvent" })
  | (GroupDeletedFieldsFragment & { __typename: "GroupDeletedEvent" });
const chatEventsStandIn: DomainCache = {
  updates: {
    Subscription: {
      chatEvents: (result, _args, cache) => {
        const event = result.chatEvents as GroupEvent;
        if (event.__typename === "GroupChangedEvent") groupChanged(cache, event);
        else groupDeleted(cache, event);
      },
    },
  },
};

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
    exchanges: [cacheExchange(cacheOptions([groupsCache, chatEventsStandIn])), network],
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

const changed = (action: SystemAction, patch: Partial<GroupChangedFieldsFragment> = {}): GroupEvent => {
  // as the server sends it, typenames included (the generated types leave them out)
  const message = { __typename: "Message", id: `m-${action}`, system: { __typename: "SystemChange", action } };
  return { __typename: "GroupChangedEvent", chatId: "g1", title: "Group", removedMe: false, message, ...patch };
};

let world: World;
beforeEach(() => {
  world = {
    title: "Group",
    myRole: "OWNER",
    members: [member("ann", "OWNER"), member("bob", "MEMBER")],
    chats: ["g1", "g2"],
  };
});

describe("groupChanged", () => {
  it("GROUP_RENAMED writes the title everywhere; twice changes nothing", async () => {
    const { push, view } = setup(world);
    await tick();
    world.title = "Renamed";
    await push(changed("GROUP_RENAMED", { title: "Renamed" }));
    const once = view();
    expect(once.chats?.chats.nodes.map((c: { title: string }) => c.title)).toEqual(["Renamed", "Title g2"]);
    expect(once.settings?.chat.title).toBe("Renamed");
    await push(changed("GROUP_RENAMED", { title: "Renamed" }));
    expect(view()).toEqual(once);
  });

  it("MEMBERS_ADDED / ROLE_CHANGED refetch the members and my role; twice changes nothing", async () => {
    const { push, view, requests } = setup(world);
    await tick();
    world.members = [...world.members, member("cat", "MEMBER")];
    await push(changed("MEMBERS_ADDED"));
    expect(view().settings?.chat.members.nodes.map((m) => m.user.username)).toEqual(["ann", "bob", "cat"]);
    world.myRole = "ADMIN";
    world.members = [member("bob", "OWNER"), member("ann", "ADMIN"), member("cat", "MEMBER")];
    await push(changed("OWNERSHIP_TRANSFERRED"));
    const once = view();
    expect(once.settings?.chat.myRole).toBe("ADMIN");
    expect(once.settings?.chat.members.nodes.map((m) => `${m.user.username}:${m.role}`)).toEqual([
      "bob:OWNER",
      "ann:ADMIN",
      "cat:MEMBER",
    ]);
    const before = requests.length;
    await push(changed("OWNERSHIP_TRANSFERRED"));
    expect(view()).toEqual(once);
    expect(requests.length).toBeGreaterThanOrEqual(before); // a refetch at most, never a different answer
  });

  it("removedMe takes the chat out of my lists (and the count); twice changes nothing", async () => {
    const { push, view } = setup(world);
    await tick();
    world.chats = ["g2"];
    await push(changed("MEMBER_REMOVED", { removedMe: true }));
    const once = view();
    expect(once.chats?.chats.nodes.map((c: { id: string }) => c.id)).toEqual(["g2"]);
    expect(once.chats?.chats.totalCount).toBe(1);
    await push(changed("MEMBER_REMOVED", { removedMe: true }));
    expect(view()).toEqual(once);
  });
});

describe("groupDeleted", () => {
  it("takes the chat out of every list and the cache; twice changes nothing", async () => {
    const { push, view } = setup(world);
    await tick();
    world.chats = ["g2"];
    await push({ __typename: "GroupDeletedEvent", chatId: "g1", byUserId: "u-bob" });
    const once = view();
    expect(once.chats?.chats.nodes.map((c: { id: string }) => c.id)).toEqual(["g2"]);
    expect(once.chats?.chats.totalCount).toBe(1);
    await push({ __typename: "GroupDeletedEvent", chatId: "g1", byUserId: "u-bob" });
    expect(view().chats).toEqual(once.chats);
  });
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

  it("leaveGroup and deleteGroup take the chat out of my lists, as their events then do again", async () => {
    const { client, view, push } = setup(world);
    await tick();
    await client.mutation(LeaveGroupDocument, { chatId: "g1" }).toPromise();
    await tick();
    const once = view().chats;
    expect(once?.chats.nodes.map((c: { id: string }) => c.id)).toEqual(["g2"]);
    await push(changed("MEMBER_LEFT", { removedMe: true }));
    expect(view().chats).toEqual(once);
    await client.mutation(DeleteGroupDocument, { chatId: "g2" }).toPromise();
    await tick();
    expect(view().chats?.chats.nodes).toEqual([]);
    expect(view().chats?.chats.totalCount).toBe(0);
  });
});
