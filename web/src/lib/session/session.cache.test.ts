import { Client, fetchExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import { cacheOptions } from "../graphql/cache.ts";
import { LogInDocument, MeDocument, SignUpDocument } from "../graphql/generated/graphql.ts";
import { watchSession } from "./gate.ts";
import { sessionCache } from "./session.cache.ts";
import { currentUser, session, signedOut } from "./session.ts";

const adaFields = {
  id: "u1",
  username: "ada",
  nickname: "Ada",
  avatar: "/img/default_avatar.png",
  unreadNotificationCount: 2,
  unreadConversationCount: 1,
};
const ada = { __typename: "Me", ...adaFields };
const unauthenticated = {
  errors: [{ message: "You must be logged in.", path: ["me"], extensions: { code: "UNAUTHENTICATED" } }],
  data: null,
};
const payload = (field: string) => ({
  data: {
    [field]: {
      __typename: "AuthPayload",
      user: ada,
    },
  },
});

/** The network: answers each operation by its name, and counts the requests. */
function fixtureClient(answers: Record<string, () => unknown>) {
  const requests: string[] = [];
  const fakeFetch = async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { operationName?: string };
    const name = body.operationName ?? "";
    requests.push(name);
    const answer = answers[name];
    if (!answer) throw new Error(`no fixture for ${name}`);
    return new Response(JSON.stringify(answer()), { headers: { "content-type": "application/json" } });
  };
  const client = new Client({
    url: "http://parley.test/graphql",
    preferGetMethod: false,
    fetch: fakeFetch,
    exchanges: [cacheExchange(cacheOptions([sessionCache])), fetchExchange],
  });
  return { client, requests };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("session gate and cache", () => {
  it("UNAUTHENTICATED from me is signed out; me's answer is signed in with the shell's user", async () => {
    signedOut();
    const signedIn = fixtureClient({ Me: () => ({ data: { me: ada } }) });
    const stop = watchSession(signedIn.client);
    await settle();
    expect(get(session)).toBe("signed-in");
    expect(get(currentUser)?.username).toBe("ada");
    stop();

    const anonymous = fixtureClient({ Me: () => unauthenticated });
    const stopAnonymous = watchSession(anonymous.client);
    await settle();
    expect(get(session)).toBe("signed-out");
    expect(get(currentUser)).toBeNull();
    stopAnonymous();
  });

  for (const [field, document] of [
    ["logIn", LogInDocument],
    ["signUp", SignUpDocument],
  ] as const) {
    it(`${field} makes me answer from the cache; applying it twice changes nothing`, async () => {
      const { client, requests } = fixtureClient({
        Me: () => unauthenticated,
        LogIn: () => payload("logIn"),
        SignUp: () => payload("signUp"),
      });
      const variables = { login: "ada", username: "ada", email: "ada@example.test", password: "x" };
      const run = () => client.mutation(document, variables).toPromise();
      await run();
      const first = client.readQuery(MeDocument, {});
      expect(first?.data?.me).toMatchObject(adaFields);
      await run();
      expect(client.readQuery(MeDocument, {})?.data).toEqual(first?.data);
      expect(requests.filter((name) => name === "Me")).toEqual([]);
    });
  }
});
