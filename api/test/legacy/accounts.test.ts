// The legacy account endpoints (protocol §1.2, §1.3, §8.4, §8.5): golden bodies and statuses, a cookie jar per user.
import { randomBytes } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gql, JWT_SECRET, signUp, startServer, type TestServer } from "../harness.ts";
import { cookieAttributes, LegacyHttp } from "./cookie-jar.ts";

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startServer();
  origin = new URL(server.url).origin;
});
afterAll(() => server.stop());

let counter = 0;
const fresh = () => `acc${++counter}_${randomBytes(3).toString("hex")}`;
const tab = () => new LegacyHttp(origin);
const PROFILE_MINIMAL = ["username", "nickname", "avatar", "elo", "is_online"];

async function loggedIn() {
  const http = tab();
  const username = fresh();
  await http.signUp(username);
  return { http, username };
}

describe("sign-up and log-in (§8.5)", () => {
  it("sign-up: 201 ProfileMinimal, HttpOnly session cookies and a script-readable csrftoken", async () => {
    const http = tab();
    const username = fresh();
    const response = await http.post("/api/signup", {
      username,
      email: `${username}@example.com`,
      password: "correct1horse",
      password_repeat: "correct1horse",
    });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(PROFILE_MINIMAL);
    expect(response.body).toEqual({
      username,
      nickname: username,
      avatar: "/img/default_avatar.png",
      elo: 1000,
      is_online: false,
    });
    const cookies = new Map(response.setCookies.map((line) => [cookieAttributes(line).name, cookieAttributes(line)]));
    expect([...cookies.keys()].sort()).toEqual(["access_token", "csrftoken", "refresh_token"]);
    expect(cookies.get("access_token")!.attributes.has("httponly")).toBe(true);
    expect(cookies.get("refresh_token")!.attributes.has("httponly")).toBe(true);
    expect(cookies.get("csrftoken")!.attributes.has("httponly")).toBe(false);
    expect(cookies.get("csrftoken")!.value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await http.get("/api/self")).status).toBe(200);
  });

  it("sign-up refusals are 422 lists: pydantic items for missing fields, validation_error items for rules", async () => {
    const http = tab();
    const missing = await http.post("/api/signup", { username: fresh(), password: 12345678 });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual([
      { type: "missing", loc: ["body", "data", "email"], msg: "Field required" },
      { type: "string_type", loc: ["body", "data", "password"], msg: "Input should be a valid string" },
      { type: "missing", loc: ["body", "data", "password_repeat"], msg: "Field required" },
    ]);
    const signUpWith = (fields: Record<string, string>) => {
      const username = fields.username ?? fresh();
      return http.post("/api/signup", {
        username,
        email: `${username}@example.com`,
        password: "correct1horse",
        password_repeat: fields.password ?? "correct1horse",
        ...fields,
      });
    };
    expect(await signUpWith({ password_repeat: "correct2horse" })).toMatchObject({
      status: 422,
      body: [{ type: "validation_error", loc: ["body", "password_repeat"], msg: "Passwords do not match." }],
    });
    const short = await signUpWith({ password: "a1" });
    expect(short.status).toBe(422);
    expect(short.body).toEqual([
      { type: "validation_error", loc: ["body", "password"], msg: "Password must be at least 8 characters." },
    ]);
    const { username } = await loggedIn();
    const taken = await signUpWith({ username: username.toUpperCase(), email: `${fresh()}@example.com` });
    expect(taken.status).toBe(422);
    expect(taken.body).toEqual([expect.objectContaining({ type: "validation_error", loc: ["body", "username"] })]);
    expect(await http.request("POST", "/api/signup", { rawBody: "{not json" })).toMatchObject({
      status: 400,
      body: { msg: "Cannot parse request body" },
    });
  });

  it("log-in by username in any case or by email: 200 ProfileMinimal and fresh cookies; else the one 401 text", async () => {
    const { username } = await loggedIn();
    for (const login of [username.toUpperCase(), `${username}@example.com`]) {
      const http = tab();
      const response = await http.post("/api/login", { username: login, password: "correct1horse" });
      expect(response.status).toBe(200);
      expect(Object.keys(response.body)).toEqual(PROFILE_MINIMAL);
      expect(response.body.username).toBe(username);
      expect([...http.cookies.keys()].sort()).toEqual(["access_token", "csrftoken", "refresh_token"]);
    }
    for (const credentials of [
      { username, password: "wrong1horse" },
      { username: fresh(), password: "correct1horse" },
      { username: "x".repeat(300), password: "correct1horse" },
    ]) {
      expect(await tab().post("/api/login", credentials)).toMatchObject({
        status: 401,
        body: { msg: "Username or password are not correct." },
      });
    }
    expect(await tab().post("/api/login")).toMatchObject({
      status: 422,
      body: [{ type: "missing", loc: ["body", "credentials"], msg: "Field required" }],
    });
    expect(await tab().post("/api/login", [username])).toMatchObject({
      status: 422,
      body: [{ type: "model_attributes_type", loc: ["body", "credentials"] }],
    });
    expect(await tab().post("/api/login", { username })).toMatchObject({
      status: 422,
      body: [{ type: "missing", loc: ["body", "credentials", "password"], msg: "Field required" }],
    });
  });
});

describe("GET /api/self (§8.4) and the 401 texts (§1.3)", () => {
  it("answers the exact legacy keys", async () => {
    const { http, username } = await loggedIn();
    const response = await http.get("/api/self");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      username,
      nickname: username,
      avatar: "/img/default_avatar.png",
      elo: 1000,
      is_online: true,
      unread_messages_count: 0,
      unread_notifications_count: 0,
      game_id: null,
      tournament_id: null,
      is_engaged_in_game: false,
    });
    expect(Object.keys(response.body)).toEqual([
      "username",
      "nickname",
      "avatar",
      "elo",
      "is_online",
      "unread_messages_count",
      "unread_notifications_count",
      "game_id",
      "tournament_id",
      "is_engaged_in_game",
    ]);
  });

  it("no, a malformed or a foreign-signed token: Unauthorized.; an expired one: Session is expired.", async () => {
    const { http } = await loggedIn();
    const claims = decodeJwt(http.cookies.get("access_token")!);
    const sign = (secret: string, exp: number) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(String(claims.sub))
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const now = Math.floor(Date.now() / 1000);
    const as = (token: string | undefined) => {
      const other = tab();
      if (token !== undefined) other.cookies.set("access_token", token);
      return other.get("/api/self");
    };
    const unauthorized = { status: 401, body: { msg: "Unauthorized." } };
    expect(await as(undefined)).toMatchObject(unauthorized);
    expect(await as("not-a-jwt")).toMatchObject(unauthorized);
    expect(await as(await sign("another-secret-that-is-long-enough-for-hs256-xx", now + 600))).toMatchObject(
      unauthorized,
    );
    expect(await as(await sign(JWT_SECRET, now - 60))).toMatchObject({
      status: 401,
      body: { msg: "Session is expired. Please login again." },
    });
    expect((await as(await sign(JWT_SECRET, now + 600))).status).toBe(200);
  });
});

describe("CSRF double submit (§1.3)", () => {
  it("an unsafe request without a matching X-CSRFToken is a JSON 403, checked before authentication", async () => {
    const { http } = await loggedIn();
    const refused = { status: 403, body: { msg: "CSRF verification failed. Request aborted." } };
    expect(await http.request("POST", "/api/refresh", { csrf: false })).toMatchObject(refused);
    expect(
      await http.request("POST", "/api/refresh", { csrf: false, headers: { "x-csrftoken": "b".repeat(32) } }),
    ).toMatchObject(refused);
    // no session at all: still 403, not 401
    expect(await tab().request("DELETE", "/api/logout")).toMatchObject(refused);
    expect(await tab().request("POST", "/api/users/x/friends", { body: { username: "y" } })).toMatchObject(refused);
    // a token of the client's own making passes; then authentication answers
    const anonymous = tab();
    anonymous.mintCsrfToken();
    expect(await anonymous.delete("/api/logout")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
    // GET is never checked
    expect((await http.request("GET", "/api/self", { csrf: false })).status).toBe(200);
  });
});

describe("the API's origin policy (§1.3: Origin must match the host)", () => {
  it("refuses a foreign page's log-in and cookie requests with a JSON 403; the own origin passes", async () => {
    const { http, username } = await loggedIn();
    const foreign = { origin: "https://evil.example" };
    const logIn = await tab().request("POST", "/api/login", {
      body: { username, password: "correct1horse" },
      headers: foreign,
    });
    expect(logIn.status).toBe(403);
    expect(logIn.body).toEqual({ msg: expect.any(String) });
    expect(logIn.setCookies).toEqual([]);
    expect((await http.request("GET", "/api/self", { headers: foreign })).status).toBe(403);
    expect((await http.request("GET", "/api/self", { headers: { origin } })).status).toBe(200);
  });
});

describe("sessions (§1.2)", () => {
  it("refresh rotates: 204, new cookies; the spent refresh token is refused with 401", async () => {
    const { http } = await loggedIn();
    const before = { access: http.cookies.get("access_token"), refresh: http.cookies.get("refresh_token") };
    const response = await http.post("/api/refresh");
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(http.cookies.get("refresh_token")).not.toBe(before.refresh);
    expect(http.cookies.get("access_token")).toBeTruthy();
    expect((await http.get("/api/self")).status).toBe(200);
    const replay = tab();
    replay.cookies.set("refresh_token", before.refresh!);
    replay.mintCsrfToken();
    expect(await replay.post("/api/refresh")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
    const none = tab();
    none.mintCsrfToken();
    expect(await none.post("/api/refresh")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
  });

  it("logout: 204, both JWT cookies deleted, csrftoken kept, the session over; 401 without a refresh cookie", async () => {
    const { http } = await loggedIn();
    const access = http.cookies.get("access_token")!;
    const withoutRefresh = tab();
    withoutRefresh.cookies.set("access_token", access);
    withoutRefresh.mintCsrfToken();
    expect(await withoutRefresh.delete("/api/logout")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
    const response = await http.delete("/api/logout");
    expect(response.status).toBe(204);
    const deleted = response.setCookies.map(cookieAttributes).filter((cookie) => cookie.value === "");
    expect(deleted.map((cookie) => cookie.name).sort()).toEqual(["access_token", "refresh_token"]);
    expect([...http.cookies.keys()]).toEqual(["csrftoken"]);
    // Parley ends the session: the old access token no longer works (legacy kept it valid until expiry)
    const old = tab();
    old.cookies.set("access_token", access);
    expect(await old.get("/api/self")).toMatchObject({ status: 401, body: { msg: "Unauthorized." } });
  });
});

describe("the router (§1.1, §8.1)", () => {
  it("answers every endpoint Parley does not have, and every trailing slash, with a JSON 404", async () => {
    const { http } = await loggedIn();
    const paths: [string, string][] = [
      ["GET", "/api/game-stats/someone"],
      ["GET", "/api/game-stats/someone/matches"],
      ["POST", "/api/mfa/verify-mfa"],
      ["GET", "/api/oauth/authorize/github"],
      ["GET", "/api/oauth/callback/42"],
      ["POST", "/api/forgot-password"],
      ["POST", "/api/reset-password/abc"],
      ["GET", "/api/users/someone/settings"],
      ["GET", "/api/self/"],
      ["GET", "/api/users/"],
      ["GET", "/api/"],
      ["GET", "/api"],
      ["GET", "/api/%E0%A4%A"],
    ];
    for (const [method, path] of paths) {
      const response = await http.request(method, path);
      expect([path, response.status, response.headers.get("content-type")]).toEqual([path, 404, "application/json"]);
      expect(response.body).toEqual({ msg: "Not Found" });
    }
  });

  it("a known path with another method is a JSON 405 naming the allowed ones", async () => {
    const response = await tab().get("/api/login");
    expect(response).toMatchObject({ status: 405, body: { msg: "Method not allowed." } });
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("bounds a body by the API's limit", async () => {
    const response = await tab().post("/api/login", { username: "x", password: "y".repeat(70 * 1024) });
    expect(response.status).toBe(413);
  });
});

describe("activity (§7)", () => {
  const isOnline = async (username: string) => {
    const viewer = await signUp(server);
    const result = await gql(server, "query($u: String!) { user(username: $u) { isOnline } }", { u: username }, viewer);
    return result.data?.user.isOnline;
  };

  it("every authenticated request counts, even one that ends in 404 or 422", async () => {
    for (const path of ["/api/users?limit=0", "/api/users/nobody-at-all", "/api/game-stats/x"]) {
      const user = await signUp(server);
      expect(await isOnline(user.username)).toBe(false);
      const http = tab();
      http.cookies.set("access_token", user.token);
      expect([404, 422]).toContain((await http.get(path)).status);
      await expect.poll(() => isOnline(user.username)).toBe(true);
    }
  });
});
