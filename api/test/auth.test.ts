// Sign-up, log-in, access tokens (Bearer and cookie), rotating refresh tokens and log-out, over real HTTP.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "../src/infra/auth.ts";
import {
  codeOf,
  type GqlResult,
  gql,
  JWT_SECRET,
  sessionIdOf,
  signUp,
  startServer,
  type TestServer,
} from "./harness.ts";

const PASSWORD = "correct1horse";

const SESSION_FIELDS = "accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id username email }";
const SIGN_UP = `mutation($u: String!, $e: String!, $p: String!) {
  signUp(username: $u, email: $e, password: $p) { ${SESSION_FIELDS} }
}`;
const LOG_IN = `mutation($l: String!, $p: String!) { logIn(login: $l, password: $p) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation($r: String) { refreshSession(refreshToken: $r) { ${SESSION_FIELDS} } }`;
const LOG_OUT = `mutation($r: String) { logOut(refreshToken: $r) }`;
const ME = "{ me { id username email } }";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A fresh username (letters, digits, underscore) that no other test uses. */
const fresh = (prefix = "u") => `${prefix}_${randomBytes(4).toString("hex")}`;

const signUpWith = (username: string, email: string, password = PASSWORD) =>
  gql(server, SIGN_UP, { u: username, e: email, p: password });
const logIn = (login: string, password = PASSWORD) => gql(server, LOG_IN, { l: login, p: password });
const refresh = (refreshToken?: string, cookie?: string) => gql(server, REFRESH, { r: refreshToken }, { cookie });
const me = (auth: { token?: string; cookie?: string }) => gql(server, ME, {}, auth);

const setCookies = (result: GqlResult) => result.response.headers.getSetCookie();
const setCookie = (result: GqlResult, name: string) => setCookies(result).find((c) => c.startsWith(`${name}=`));

/** Asserts a failed root field: no data, the given code, and no session cookies handed out. */
function expectFailure(result: GqlResult, code: string) {
  expect(result.data ?? null).toBeNull();
  expect(codeOf(result)).toBe(code);
  expect(setCookies(result)).toEqual([]);
  return result.errors?.[0];
}

/** Nothing was stored for this email: a valid sign-up with it (and, if given, this username) succeeds. */
async function expectEmailFree(email: string, username = fresh("free")) {
  const result = await signUpWith(username, email);
  expect(result.errors).toBeUndefined();
  expect(result.data?.signUp.user.username).toBe(username);
}

describe("signUp", () => {
  it("creates the account and returns a session, also as HttpOnly SameSite=Lax cookies", async () => {
    const username = fresh("New");
    const before = Date.now();
    const result = await signUpWith(username, `${username}@Example.COM`);
    expect(result.errors).toBeUndefined();
    const session = result.data?.signUp;
    expect(session.user).toMatchObject({ username, email: `${username}@example.com`.toLowerCase() });
    expect(session.accessToken).toEqual(expect.any(String));
    expect(session.refreshToken).toEqual(expect.any(String));
    expect(session.accessToken).not.toBe(session.refreshToken);
    // harness: accessTokenTtl 900 s, refreshTokenTtl 3600 s
    const accessExpiry = Date.parse(session.accessTokenExpiresAt);
    expect(accessExpiry).toBeGreaterThanOrEqual(before + 899_000);
    expect(accessExpiry).toBeLessThanOrEqual(Date.now() + 901_000);
    expect(Date.parse(session.refreshTokenExpiresAt)).toBeGreaterThan(accessExpiry);

    const access = setCookie(result, "access_token");
    const refreshCookie = setCookie(result, "refresh_token");
    expect(access).toContain(`access_token=${encodeURIComponent(session.accessToken)};`);
    expect(refreshCookie).toContain(`refresh_token=${encodeURIComponent(session.refreshToken)};`);
    for (const cookie of [access, refreshCookie]) {
      expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    }
    expect(access).toContain("Max-Age=900");
    expect(refreshCookie).toContain("Max-Age=3600");

    const viewer = await me({ token: session.accessToken });
    expect(viewer.data?.me).toEqual({ id: session.user.id, username, email: session.user.email });
  });

  describe("refuses a weak password with BAD_USER_INPUT on field password, storing nothing", () => {
    const cases: [string, (username: string) => string, string][] = [
      ["shorter than 8 characters", () => "abc1234", "at least 8 characters"],
      ["without a letter", () => "1234567890", "letter"],
      ["without a digit", () => "abcdefghij", "digit"],
      ["containing the username in another case", (username) => `9x${username.toUpperCase()}x9`, "username"],
    ];
    it.each(cases)("%s", async (_name, password, message) => {
      const username = fresh("pw");
      const email = `${username}@example.com`;
      const error = expectFailure(await signUpWith(username, email, password(username)), "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("password");
      expect(error?.message).toContain(message);
      await expectEmailFree(email, username);
    });
  });

  describe("refuses an invalid username with BAD_USER_INPUT on field username, storing nothing", () => {
    it.each([
      ["with a space", "bad name"],
      ["with a symbol", "bad!name"],
      ["with a slash", "bad/name"],
      ["empty", ""],
      ["longer than 50 characters", "a".repeat(51)],
    ])("%s", async (_name, username) => {
      const email = `${fresh("email")}@example.com`;
      const error = expectFailure(await signUpWith(username, email), "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("username");
      await expectEmailFree(email);
    });

    it("accepts exactly 50 characters and the legacy symbols @ . + - _", async () => {
      const long = `${fresh("l")}${"x".repeat(50)}`.slice(0, 50);
      const symbols = `${fresh("s")}@a.b+c-d`;
      for (const username of [long, symbols]) {
        const result = await signUpWith(username, `${fresh("e")}@example.com`);
        expect(result.errors).toBeUndefined();
        expect(result.data?.signUp.user.username).toBe(username);
      }
    });
  });

  it("refuses an invalid email with BAD_USER_INPUT on field email, leaving the username free", async () => {
    const username = fresh("mail");
    for (const email of ["not-an-email", "missing@", "@example.com", `${username} @example.com`]) {
      const error = expectFailure(await signUpWith(username, email), "BAD_USER_INPUT");
      expect(error?.extensions?.field).toBe("email");
    }
    await expectEmailFree(`${username}@example.com`, username);
  });

  it("refuses a username taken in another case with CONFLICT, storing nothing", async () => {
    const username = fresh("Taken");
    const original = await signUp(server, username);
    const email = `${fresh("other")}@example.com`;
    expectFailure(await signUpWith(username.toUpperCase(), email), "CONFLICT");
    expectFailure(await signUpWith(username.toLowerCase(), email), "CONFLICT");
    // the original account is untouched and the second email was not used
    const login = await logIn(username.toLowerCase());
    expect(login.data?.logIn.user).toMatchObject({ id: original.id, username });
    expectFailure(await logIn(email), "UNAUTHENTICATED");
    await expectEmailFree(email);
  });

  it("refuses an email taken in another case with CONFLICT, leaving the username free", async () => {
    const first = fresh("first");
    await signUpWith(first, `${first}@example.com`);
    const second = fresh("second");
    expectFailure(await signUpWith(second, `${first.toUpperCase()}@EXAMPLE.com`), "CONFLICT");
    expectFailure(await logIn(second), "UNAUTHENTICATED");
    await expectEmailFree(`${second}@example.com`, second);
  });

  it("lets exactly one of two concurrent sign-ups with the same name through", async () => {
    const username = fresh("race");
    const results = await Promise.all([
      signUpWith(username, `${fresh("a")}@example.com`),
      signUpWith(username.toUpperCase(), `${fresh("b")}@example.com`),
    ]);
    expect(results.filter((r) => r.data?.signUp).length).toBe(1);
    expect(results.map(codeOf).filter(Boolean)).toEqual(["CONFLICT"]);
  });
});

describe("usernames and emails share one login namespace", () => {
  it("refuses a username equal to an existing email, in any case, with CONFLICT on username", async () => {
    const victim = fresh("victim");
    const email = `${victim}@example.com`;
    expect((await signUpWith(victim, email)).errors).toBeUndefined();
    for (const squat of [email, email.toUpperCase()]) {
      const error = expectFailure(await signUpWith(squat, `${fresh("squat")}@example.com`), "CONFLICT");
      expect(error?.extensions?.field).toBe("username");
    }
    expect((await logIn(email)).data?.logIn.user.username).toBe(victim);
  });

  it("refuses an email equal to an existing username, in any case, with CONFLICT on email", async () => {
    const username = `${fresh("owner")}@example.com`;
    const owner = await signUpWith(username, `${fresh("own")}@example.com`);
    expect(owner.errors).toBeUndefined();
    const error = expectFailure(await signUpWith(fresh("other"), username.toUpperCase()), "CONFLICT");
    expect(error?.extensions?.field).toBe("email");
    expect((await logIn(username)).data?.logIn.user.id).toBe(owner.data?.signUp.user.id);
  });

  it("allows a username equal to the account's own email", async () => {
    const name = `${fresh("self")}@example.com`;
    const result = await signUpWith(name, name);
    expect(result.errors).toBeUndefined();
    expect((await logIn(name.toUpperCase())).data?.logIn.user.username).toBe(name);
  });

  it("of parallel sign-ups with one email, one succeeds and the others get CONFLICT on email", async () => {
    const email = `${fresh("same")}@example.com`;
    const results = await Promise.all(Array.from({ length: 8 }, () => signUpWith(fresh("p"), email)));
    expect(results.filter((r) => r.data?.signUp)).toHaveLength(1);
    const losers = results.filter((r) => !r.data?.signUp);
    expect(losers).toHaveLength(7);
    for (const loser of losers) expect(expectFailure(loser, "CONFLICT")?.extensions?.field).toBe("email");
  });

  it("of a parallel username and email that are equal, exactly one account gets the name", async () => {
    for (let round = 0; round < 5; round++) {
      const name = `${fresh("race")}@example.com`;
      const [asUsername, asEmail] = await Promise.all([
        signUpWith(name, `${fresh("u")}@example.com`),
        signUpWith(fresh("e"), name.toUpperCase()),
      ]);
      const winners = [asUsername, asEmail].filter((r) => r.data?.signUp);
      expect(winners).toHaveLength(1);
      if (!asUsername.data) expect(expectFailure(asUsername, "CONFLICT")?.extensions?.field).toBe("username");
      if (!asEmail.data) expect(expectFailure(asEmail, "CONFLICT")?.extensions?.field).toBe("email");
      expect((await logIn(name)).data?.logIn.user.id).toBe(winners[0]?.data?.signUp.user.id);
    }
  });
});

describe("usernames are NFKC-normalised and visible", () => {
  it("stores the NFKC form and finds it by any form", async () => {
    const tag = randomBytes(3).toString("hex");
    // fullwidth "Ｎａｍｅ" and the ligature "ﬁ"
    const result = await signUpWith(`\uFF2E\uFF41\uFF4D\uFF45_\uFB01${tag}`, `${fresh("nfkc")}@example.com`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp.user.username).toBe(`Name_fi${tag}`);
    expect((await logIn(`name_fi${tag}`)).data?.logIn.user.username).toBe(`Name_fi${tag}`);
    expect((await logIn(`\uFF4E\uFF41\uFF4D\uFF45_\uFB01${tag}`)).data?.logIn.user.username).toBe(`Name_fi${tag}`);
    expectFailure(await signUpWith(`NAME_FI${tag}`, `${fresh("nfkc")}@example.com`), "CONFLICT");
  });

  it.each([
    ["a right-to-left override", "abc\u202Egnp"],
    ["a zero-width space", "ab\u200Bcd"],
    ["only zero-width characters", "\u200B\u200D"],
    ["a Hangul filler", "\u3164"],
    ["a byte-order mark", "\uFEFFname"],
    ["a NUL", "na\u0000me"],
    ["an unpaired surrogate", "na\uDC00me"],
    ["50 × İ (100 characters once lower-cased)", "\u0130".repeat(50)],
  ])("refuses %s with BAD_USER_INPUT, storing nothing", async (_name, username) => {
    const email = `${fresh("vis")}@example.com`;
    expectFailure(await signUpWith(username, email), "BAD_USER_INPUT");
    await expectEmailFree(email);
  });

  it("answers log-ins with such names as wrong credentials, not errors", async () => {
    for (const login of ["\u0130".repeat(50), "na\u0000me", "na\uDC00me", "\u0130".repeat(200)]) {
      const code = codeOf(await logIn(login));
      expect(["UNAUTHENTICATED", "BAD_USER_INPUT"]).toContain(code);
    }
    expectFailure(await logIn("\u0130".repeat(50)), "UNAUTHENTICATED");
  });
});

describe("logIn", () => {
  const username = fresh("Login");
  let userId: string;
  beforeAll(async () => {
    userId = (await signUp(server, username)).id;
  });

  it.each([
    ["its own case", () => username],
    ["lower case", () => username.toLowerCase()],
    ["upper case", () => username.toUpperCase()],
    ["email", () => `${username}@example.com`],
    ["email in another case", () => `${username.toUpperCase()}@EXAMPLE.COM`],
  ])("accepts the username in %s and the email", async (_name, login) => {
    const result = await logIn(login());
    expect(result.errors).toBeUndefined();
    const session = result.data?.logIn;
    expect(session.user).toMatchObject({ id: userId, username });
    expect(setCookie(result, "access_token")).toContain(encodeURIComponent(session.accessToken));
    expect(setCookie(result, "refresh_token")).toContain(encodeURIComponent(session.refreshToken));
    expect((await me({ token: session.accessToken })).data?.me.id).toBe(userId);
  });

  it("refuses a wrong password and an unknown user alike, with UNAUTHENTICATED", async () => {
    const wrong = expectFailure(await logIn(username, "wrong1password"), "UNAUTHENTICATED");
    const unknown = expectFailure(await logIn(fresh("nobody"), PASSWORD), "UNAUTHENTICATED");
    const unknownEmail = expectFailure(await logIn(`${fresh("nobody")}@example.com`), "UNAUTHENTICATED");
    expect(wrong?.message).toBe("Username or password are not correct.");
    expect(unknown?.message).toBe(wrong?.message);
    expect(unknownEmail?.message).toBe(wrong?.message);
  });
});

describe("access tokens", () => {
  it("authenticates `me` by Bearer header and by the access_token cookie", async () => {
    const user = await signUp(server);
    expect((await me({ token: user.token })).data?.me).toMatchObject({ id: user.id, username: user.username });
    const byCookie = await me({ cookie: `theme=dark; access_token=${encodeURIComponent(user.token)}; other=1` });
    expect(byCookie.errors).toBeUndefined();
    expect(byCookie.data?.me.id).toBe(user.id);
  });

  it("refuses `me` without a token", async () => {
    const result = await me({});
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    expect(result.errors?.[0]?.message).toBe("You must be logged in.");
    expect(result.data).toBeNull();
  });

  it.each([
    ["a garbage Bearer token", { token: "not.a.jwt" }],
    ["a garbage cookie", { cookie: "access_token=garbage" }],
  ])("refuses %s with UNAUTHENTICATED", async (_name, auth) => {
    const result = await me(auth);
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    expect(result.data).toBeNull();
  });

  it("refuses a token signed with another secret", async () => {
    const user = await signUp(server);
    const forged = await new TokenService(`${JWT_SECRET}-but-not-ours`, 900, 3600).signAccess(
      user.id,
      sessionIdOf(user),
    );
    const result = await me({ token: forged.token });
    expect(codeOf(result)).toBe("UNAUTHENTICATED");
    expect(result.errors?.[0]?.message).not.toBe("Your session has expired.");
  });

  it("refuses an expired token, saying the session has expired", async () => {
    const user = await signUp(server);
    const expired = await new TokenService(JWT_SECRET, -60, 60).signAccess(user.id, sessionIdOf(user));
    for (const auth of [{ token: expired.token }, { cookie: `access_token=${expired.token}` }]) {
      const result = await me(auth);
      expect(codeOf(result)).toBe("UNAUTHENTICATED");
      expect(result.errors?.[0]?.message).toBe("Your session has expired.");
    }
  });
});

describe("refreshSession", () => {
  it("trades the refresh token argument for a new working pair", async () => {
    const user = await signUp(server);
    const result = await refresh(user.refreshToken);
    expect(result.errors).toBeUndefined();
    const session = result.data?.refreshSession;
    expect(session.user.id).toBe(user.id);
    expect(session.refreshToken).not.toBe(user.refreshToken);
    expect(setCookie(result, "access_token")).toContain(encodeURIComponent(session.accessToken));
    expect(setCookie(result, "refresh_token")).toContain(encodeURIComponent(session.refreshToken));
    expect((await me({ token: session.accessToken })).data?.me.id).toBe(user.id);
    // the new refresh token is itself good for one more rotation
    expect((await refresh(session.refreshToken)).data?.refreshSession.user.id).toBe(user.id);
  });

  it("reads the refresh_token cookie when no argument is given", async () => {
    const user = await signUp(server);
    const result = await refresh(undefined, `refresh_token=${encodeURIComponent(user.refreshToken)}`);
    expect(result.errors).toBeUndefined();
    const session = result.data?.refreshSession;
    expect(session.user.id).toBe(user.id);
    expect((await me({ cookie: `access_token=${session.accessToken}` })).data?.me.id).toBe(user.id);
    // the cookie's token is now spent
    expectFailure(await refresh(user.refreshToken), "UNAUTHENTICATED");
  });

  it("refuses a missing or unknown refresh token", async () => {
    expectFailure(await refresh(), "UNAUTHENTICATED");
    expectFailure(await refresh("not-a-refresh-token"), "UNAUTHENTICATED");
    expectFailure(await refresh(undefined, "refresh_token=nope"), "UNAUTHENTICATED");
  });

  it("refuses a rotated refresh token, from the argument or the cookie", async () => {
    const user = await signUp(server);
    const rotated = await refresh(user.refreshToken);
    expect(rotated.errors).toBeUndefined();
    const error = expectFailure(await refresh(user.refreshToken), "UNAUTHENTICATED");
    expect(error?.message).toBe("Refresh token is invalid or has already been used.");
    expectFailure(await refresh(undefined, `refresh_token=${user.refreshToken}`), "UNAUTHENTICATED");
  });

  it("lets exactly one of 10 concurrent refreshes with the same token succeed", async () => {
    const user = await signUp(server);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(user.refreshToken)));
    const winners = results.filter((r) => r.data?.refreshSession);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => !r.data?.refreshSession)) expectFailure(loser, "UNAUTHENTICATED");
    // the winner's pair works; the spent token stays spent
    const session = winners[0]?.data?.refreshSession;
    expect((await me({ token: session.accessToken })).data?.me.id).toBe(user.id);
    expect((await refresh(session.refreshToken)).errors).toBeUndefined();
    expectFailure(await refresh(user.refreshToken), "UNAUTHENTICATED");
  });
});

describe("logOut", () => {
  const expectClearedCookies = (result: GqlResult) => {
    for (const name of ["access_token", "refresh_token"]) {
      const cookie = setCookie(result, name);
      expect(cookie).toMatch(new RegExp(`^${name}=;`));
      expect(cookie).toContain("Max-Age=0");
      expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
    }
  };

  it("revokes the refresh token given as argument and clears the cookies", async () => {
    const user = await signUp(server);
    const result = await gql(server, LOG_OUT, { r: user.refreshToken }, { token: user.token });
    expect(result.errors).toBeUndefined();
    expect(result.data?.logOut).toBe(true);
    expectClearedCookies(result);
    expectFailure(await refresh(user.refreshToken), "UNAUTHENTICATED");
  });

  it("revokes the refresh_token cookie when authenticated by cookie", async () => {
    const user = await signUp(server);
    const cookie = `access_token=${user.token}; refresh_token=${encodeURIComponent(user.refreshToken)}`;
    const result = await gql(server, LOG_OUT, {}, { cookie });
    expect(result.data?.logOut).toBe(true);
    expectClearedCookies(result);
    expectFailure(await refresh(user.refreshToken), "UNAUTHENTICATED");
  });

  it("without authentication is refused and revokes nothing", async () => {
    const user = await signUp(server);
    const result = await gql(server, LOG_OUT, { r: user.refreshToken });
    expectFailure(result, "UNAUTHENTICATED");
    expect((await refresh(user.refreshToken)).errors).toBeUndefined();
  });

  it("does not revoke another user's refresh token", async () => {
    const [alice, bob] = [await signUp(server), await signUp(server)];
    const result = await gql(server, LOG_OUT, { r: bob.refreshToken }, { token: alice.token });
    expect(result.data?.logOut).toBe(true);
    expect((await refresh(bob.refreshToken)).data?.refreshSession.user.id).toBe(bob.id);
  });
});
