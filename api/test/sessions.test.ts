// Sessions: refresh token families (theft detection), log-out ending sockets, and access tokens whose
// session or user is gone. Real HTTP and real WebSockets.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFRESH_REUSE_GRACE_MS } from "../src/domains/users/auth.service.ts";
import { codeOf, gql, JWT_SECRET, signUp, startServer, type TestServer, type TestUser } from "./harness.ts";
import { closeCodeWithin, openSocket } from "./sessions.helpers.ts";

const REFRESH = "mutation($r: String) { refreshSession(refreshToken: $r) { accessToken refreshToken } }";
const LOG_IN = 'mutation($l: String!) { logIn(login: $l, password: "correct1horse") { accessToken refreshToken } }';
const LOG_OUT = "mutation($r: String) { logOut(refreshToken: $r) }";
const ME = "{ me { id } }";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

type Tokens = { token: string; refreshToken: string };
const refresh = async (refreshToken: string) => {
  const result = await gql(server, REFRESH, { r: refreshToken });
  const pair = result.data?.refreshSession;
  return { code: codeOf(result), pair: pair ? { token: pair.accessToken, refreshToken: pair.refreshToken } : null };
};
const meCode = async (srv: { url: string }, token: string) => {
  const result = await gql(srv, ME, {}, { token });
  return result.errors ? codeOf(result) : "OK";
};
const secondSession = async (user: TestUser): Promise<Tokens> => {
  const { logIn } = (await gql(server, LOG_IN, { l: user.username })).data ?? {};
  return { token: logIn.accessToken, refreshToken: logIn.refreshToken };
};

describe("refresh token reuse", () => {
  it("past the grace window revokes the whole session: its newer tokens and open sockets", async () => {
    const user = await signUp(server);
    const other = await secondSession(user);
    const rotated = await refresh(user.refreshToken);
    expect(rotated.pair).not.toBeNull();
    const current = rotated.pair as Tokens;
    const socket = openSocket(server, current.token);
    expect(await socket.accepted).toBe("ack");

    await new Promise((resolve) => setTimeout(resolve, REFRESH_REUSE_GRACE_MS + 200));
    expect((await refresh(user.refreshToken)).code).toBe("UNAUTHENTICATED"); // the stolen copy

    expect(await closeCodeWithin(socket)).toBe(4403);
    expect((await refresh(current.refreshToken)).code).toBe("UNAUTHENTICATED");
    expect(await meCode(server, current.token)).toBe("UNAUTHENTICATED");
    expect(await meCode(server, user.token)).toBe("UNAUTHENTICATED");
    // the user's other session is untouched
    expect(await meCode(server, other.token)).toBe("OK");
    expect((await refresh(other.refreshToken)).pair).not.toBeNull();
  });

  it("within the grace window is refused but leaves the session working (two tabs, one cookie)", async () => {
    const user = await signUp(server);
    const rotated = await refresh(user.refreshToken);
    expect((await refresh(user.refreshToken)).code).toBe("UNAUTHENTICATED");
    const current = rotated.pair as Tokens;
    expect(await meCode(server, current.token)).toBe("OK");
    expect((await refresh(current.refreshToken)).pair).not.toBeNull();
  });
});

describe("logOut", () => {
  it("closes the open sockets of that session with 4403, on every socket, and no other session's", async () => {
    const user = await signUp(server);
    const other = await secondSession(user);
    const sockets = [openSocket(server, user.token), openSocket(server, user.token)];
    const otherSocket = openSocket(server, other.token);
    for (const socket of [...sockets, otherSocket]) expect(await socket.accepted).toBe("ack");

    const result = await gql(server, LOG_OUT, {}, { token: user.token });
    expect(result.data?.logOut).toBe(true);
    for (const socket of sockets) expect(await closeCodeWithin(socket)).toBe(4403);
    expect(await closeCodeWithin(otherSocket, 300)).toBe("open");
    otherSocket.close();
  });

  it("refuses the session's access tokens afterwards, over HTTP and for new sockets", async () => {
    const user = await signUp(server);
    expect(await meCode(server, user.token)).toBe("OK"); // cached as live before the log-out
    await gql(server, LOG_OUT, {}, { token: user.token });
    expect(await meCode(server, user.token)).toBe("UNAUTHENTICATED");
    expect(await openSocket(server, user.token).accepted).toBe(4403);
    expect((await refresh(user.refreshToken)).code).toBe("UNAUTHENTICATED");
  });
});

describe("access tokens of a session or user that does not exist", () => {
  const sign = (claims: { sub: string; sid: string }) =>
    new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(claims.sub)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(JWT_SECRET));

  it("a deleted user's token is UNAUTHENTICATED on HTTP and refused on graphql-ws", async () => {
    const user = await signUp(server);
    await server.app.prisma.user.delete({ where: { id: user.id } });
    expect(await meCode(server, user.token)).toBe("UNAUTHENTICATED");
    expect(await openSocket(server, user.token).accepted).toBe(4403);
  });

  it.each([
    ["an unknown user and session", () => ({ sub: randomUUID(), sid: randomUUID() })],
    ["a subject that is not a UUID", () => ({ sub: "not-a-uuid", sid: randomUUID() })],
    ["a session id that is not a UUID", () => ({ sub: randomUUID(), sid: "1; DROP TABLE users" })],
  ])("a validly signed token with %s is UNAUTHENTICATED and refused on graphql-ws", async (_name, claims) => {
    const token = await sign(claims());
    expect(await meCode(server, token)).toBe("UNAUTHENTICATED");
    expect(await openSocket(server, token).accepted).toBe(4403);
  });

  it("a token of another user's session is refused", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    const { sid } = JSON.parse(Buffer.from(String(bob.token.split(".")[1]), "base64url").toString());
    expect(await meCode(server, await sign({ sub: alice.id, sid }))).toBe("UNAUTHENTICATED");
  });

  it("a non-UUID subject does not poison the batched last_activity write of other users", async () => {
    const user = await signUp(server);
    const before = Date.now();
    await gql(server, ME, {}, { token: await sign({ sub: "not-a-uuid", sid: randomUUID() }) });
    expect(await meCode(server, user.token)).toBe("OK");
    await server.app.services.presence.settled();
    await server.app.services.presence.persistActivity();
    const row = await server.app.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lastActivity.getTime()).toBeGreaterThanOrEqual(before);
  });
});
