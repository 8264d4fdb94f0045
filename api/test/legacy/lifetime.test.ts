// Protocol §1.4: token expiry does not affect an open legacy socket; the end of its session does.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, JWT_SECRET, openChat, sessionIdOf, startServer, type TestServer } from "../harness.ts";
import { openSocket } from "../sessions.helpers.ts";
import { connectLegacy, legacyUser } from "./legacy-client.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const LOG_OUT = "mutation($r: String) { logOut(refreshToken: $r) }";

describe("a legacy socket's lifetime", () => {
  it("outlives its access token (a graphql-ws socket of the same token is closed with 4403), and still acts", async () => {
    const [alice, bob] = await Promise.all([legacyUser(server), legacyUser(server)]);
    const chatId = await openChat(server, alice.user, bob.username);
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await new SignJWT({ sid: sessionIdOf(alice.user) })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(alice.user.id)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const legacy = await connectLegacy(server, { cookie: `access_token=${shortLived}` });
    const graphql = openSocket(server, shortLived);
    expect(await graphql.accepted).toBe("ack");
    expect(await graphql.closed).toBe(4403); // the token has expired by now
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);

    legacy.send({ action: "new_message", data: { chat_id: chatId, content: "after expiry", timestamp: "t" } });
    expect((await legacy.nextOf("new_message")).data).toMatchObject({
      content: "after expiry",
      sender: alice.username,
    });
    await legacy.close();
  });

  it("ends with its session: logging out elsewhere closes it with 3002 (no reconnect)", async () => {
    const alice = await legacyUser(server);
    const [first, second] = await Promise.all([alice.connect(), alice.connect()]);
    await gql(server, LOG_OUT, { r: alice.user.refreshToken }, { token: alice.user.token });
    expect((await first.closed).code).toBe(3002);
    expect((await second.closed).code).toBe(3002);
    await expect.poll(() => server.app.services.presence.localSockets(alice.user.id)).toBe(0);
  });

  it("the server's graceful stop closes legacy sockets with 1001", async () => {
    const other = await startServer();
    const alice = await legacyUser(other);
    const socket = await alice.connect();
    const stopped = other.stop();
    expect((await socket.closed).code).toBe(1001);
    await stopped;
  });
});
