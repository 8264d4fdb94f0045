// Protocol §1.4: the /ws/events/ handshake through the in-process bridge.
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWT_SECRET, sessionIdOf, signUp, startServer, type TestServer } from "../harness.ts";
import { connectLegacy, legacyUser, tryConnect } from "./legacy-client.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const sign = (claims: { sub: string; sid: string }, exp: number | string, secret = JWT_SECRET) =>
  new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("refused before accept with HTTP 403, no presence change", () => {
  const tokens: [string, (user: Awaited<ReturnType<typeof signUp>>) => Promise<string | undefined>][] = [
    ["no cookie", async () => undefined],
    ["a malformed token", async () => "access_token=not.a.jwt"],
    [
      "an expired token",
      async (user) =>
        `access_token=${await sign({ sub: user.id, sid: sessionIdOf(user) }, Math.floor(Date.now() / 1000) - 60)}`,
    ],
    [
      "a token signed with another secret",
      async (user) =>
        `access_token=${await sign({ sub: user.id, sid: sessionIdOf(user) }, "10m", `${JWT_SECRET}-other`)}`,
    ],
    [
      "an alg:none token",
      async (user) => {
        const claims = { sub: user.id, sid: sessionIdOf(user), exp: Math.floor(Date.now() / 1000) + 600 };
        return `access_token=${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`;
      },
    ],
    ["only a refresh token", async (user) => `refresh_token=${user.refreshToken}`],
    ["the refresh token as access_token", async (user) => `access_token=${user.refreshToken}`],
    [
      "a token of a deleted user",
      async (user) => {
        await server.app.prisma.user.delete({ where: { id: user.id } });
        return `access_token=${user.token}`;
      },
    ],
  ];
  for (const [name, cookie] of tokens) {
    it(name, async () => {
      const user = await signUp(server);
      const result = await tryConnect(server, { cookie: await cookie(user) });
      expect(result).toEqual({ status: 403 });
      expect(server.app.services.presence.localSockets(user.id)).toBe(0);
    });
  }

  it("a valid cookie from a foreign Origin (cross-site WebSocket hijacking)", async () => {
    const alice = await legacyUser(server);
    expect(await tryConnect(server, { cookie: alice.jar.header(), origin: "https://evil.example" })).toEqual({
      status: 403,
    });
    expect(server.app.services.presence.localSockets(alice.user.id)).toBe(0);
  });

  it("the first access_token entry of the Cookie header is the one used", async () => {
    const alice = await legacyUser(server);
    const cookie = `access_token=bad; access_token=${alice.user.token}`;
    expect(await tryConnect(server, { cookie })).toEqual({ status: 403 });
  });
});

describe("accepted", () => {
  it("a valid cookie: silent connect (no frame), counted as the user's socket", async () => {
    const alice = await legacyUser(server);
    const socket = await alice.connect();
    expect(server.app.services.presence.localSockets(alice.user.id)).toBe(1);
    await socket.expectNone(300);
    await socket.close();
  });

  it("the query string is ignored; no Origin (not a browser) is accepted", async () => {
    const alice = await legacyUser(server);
    const socket = await alice.connect({ path: "/ws/events/?token=whatever", origin: null });
    await socket.expectNone(100);
    await socket.close();
  });

  for (const path of ["/ws/events", "/ws/", "/ws/chat/", "/ws/events/x", "/ws/events//", "/ws/matchmaking/"]) {
    it(`${path}: accepted, then closed with 4000`, async () => {
      const alice = await legacyUser(server);
      const socket = await connectLegacy(server, { cookie: alice.jar.header(), path });
      expect((await socket.closed).code).toBe(4000);
      expect(server.app.services.presence.localSockets(alice.user.id)).toBe(0);
    });
  }

  it("an unknown /ws/ path closes with 4000 without a cookie too", async () => {
    const socket = await connectLegacy(server, { path: "/ws/nope" });
    expect((await socket.closed).code).toBe(4000);
  });

  it("graphql-ws stays on /graphql; other upgrade paths are refused with 400", async () => {
    expect(await tryConnect(server, { path: "/elsewhere" })).toEqual({ status: 400 });
  });
});
