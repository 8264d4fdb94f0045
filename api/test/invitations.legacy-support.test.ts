// What the legacy bridge needs from duels and notifications, as any client gets it: the client's own settings
// text passed on to the invitee, the invitations an invite declined, an unknown inviter on decline, and the
// READ filter. Real HTTP and graphql-ws, both modes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, codeOf, EventQueue, gql, startServer, type TestServer, wsClient } from "./harness.ts";

let server: TestServer;
const { users, as } = clientOf(() => server);
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const INVITE = `mutation($u: String!, $c: String, $cs: String) {
  inviteToDuel(username: $u, clientId: $c, clientSettings: $cs) { id status declinedInvitations { id status } }
}`;
const REPLY = `mutation($u: String!, $a: Boolean!) { replyToInvitation(username: $u, accept: $a) { id } }`;
const NOTIFICATIONS = `query($f: NotificationFilter) {
  notifications(filter: $f) { totalCount nodes { id kind isRead data } }
}`;
const REJECTIONS = `subscription {
  invitationEvents { __typename ... on InvitationRejectedEvent { action reason message username } }
}`;

describe("inviteToDuel for legacy clients", () => {
  it("keeps clientSettings verbatim in both GAME_INVITE copies; without it, data has no such key", async () => {
    const [a, b, c] = await users(3);
    const text = '{"ranked":true,"game_speed":"fast","x":[1]}';
    await as(a, INVITE, { u: b.username, cs: text });
    await as(c, INVITE, { u: b.username });
    const listed = await as(b, NOTIFICATIONS, {});
    const [fromC, fromA] = listed.notifications.nodes;
    expect(fromA.data.clientSettings).toBe(text);
    expect(fromC.data).not.toHaveProperty("clientSettings");
    const own = await as(a, NOTIFICATIONS, {});
    expect(own.notifications.nodes[0].data.clientSettings).toBe(text);
  });

  it("refuses clientSettings past 2,000 characters and stores nothing", async () => {
    const [a, b] = await users(2);
    const result = await gql(server, INVITE, { u: b.username, cs: "x".repeat(2001) }, a);
    expect(codeOf(result)).toBe("BAD_USER_INPUT");
    expect(await server.app.prisma.duelInvitation.count({ where: { inviterId: a.id } })).toBe(0);
  });

  it("names the invitations it declined by inviting their inviter back; none otherwise", async () => {
    const [a, b] = await users(2);
    const first = await as(b, INVITE, { u: a.username });
    expect(first.inviteToDuel.declinedInvitations).toEqual([]);
    const back = await as(a, INVITE, { u: b.username });
    expect(back.inviteToDuel.declinedInvitations).toEqual([{ id: first.inviteToDuel.id, status: "DECLINED" }]);
  });
});

describe("declining", () => {
  it("an unknown inviter is USER_NOT_FOUND (told to the caller as such), not 'No pending invitations found.'", async () => {
    const [a] = await users(1);
    const client = wsClient(server, a);
    const events = new EventQueue(client, REJECTIONS);
    expect((await events.next()).invitationEvents.__typename).toBe("StreamReadyEvent");
    const result = await gql(server, REPLY, { u: "nobody_at_all_here", a: false }, a);
    expect(codeOf(result)).toBe("NOT_FOUND");
    expect((await events.next()).invitationEvents).toEqual({
      __typename: "InvitationRejectedEvent",
      action: "DECLINE",
      reason: "USER_NOT_FOUND",
      message: "User nobody_at_all_here not found.",
      username: "nobody_at_all_here",
    });
    await client.dispose();
  });
});

describe("notifications(filter: READ)", () => {
  it("lists read notifications only", async () => {
    const [a, b, c] = await users(3);
    await as(b, "mutation($u: String!) { addFriend(username: $u) { id } }", { u: a.username });
    await as(c, "mutation($u: String!) { addFriend(username: $u) { id } }", { u: a.username });
    const all = await as(a, NOTIFICATIONS, { f: "ALL" });
    const [newest] = all.notifications.nodes;
    await as(a, "mutation($id: ID!) { markNotificationRead(id: $id) { id } }", { id: newest.id });
    const read = await as(a, NOTIFICATIONS, { f: "READ" });
    expect(read.notifications).toEqual({ totalCount: 1, nodes: [{ ...newest, isRead: true }] });
    const unread = await as(a, NOTIFICATIONS, { f: "UNREAD" });
    expect(unread.notifications.totalCount).toBe(1);
  });
});
