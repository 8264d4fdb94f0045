import type { Cache, UpdateResolver } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import type { LogInMutation, SignUpMutation } from "../graphql/generated/graphql.ts";

type AuthResult = Partial<SignUpMutation & LogInMutation>;

/** A new session: `me` is now this user (the shell's query answers from the cache, no refetch needed). */
function sessionStarted(cache: Cache, user: { __typename?: "Me"; id: string } | undefined): void {
  if (!user) return;
  cache.link("Query", "me", { __typename: "Me", id: user.id });
}

const started: UpdateResolver<AuthResult> = (result, _args, cache) => {
  sessionStarted(cache, result.signUp?.user ?? result.logIn?.user);
};

export const sessionCache: DomainCache = {
  updates: { Mutation: { signUp: started, logIn: started } },
};
