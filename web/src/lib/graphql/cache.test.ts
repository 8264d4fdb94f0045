import { expect, it } from "vitest";
import { cacheOptions } from "./cache.ts";

it("merges the domains' updaters, and refuses two updaters for one field", () => {
  const noop = () => {};
  const options = cacheOptions([
    { updates: { Mutation: { sendMessage: noop } } },
    { updates: { Subscription: { chatEvents: noop } } },
  ]);
  expect(Object.keys(options.updates?.Mutation ?? {})).toEqual(["sendMessage"]);
  expect(Object.keys(options.updates?.Subscription ?? {})).toEqual(["chatEvents"]);
  expect(() =>
    cacheOptions([{ updates: { Mutation: { sendMessage: noop } } }, { updates: { Mutation: { sendMessage: noop } } }]),
  ).toThrow("Two domains define the updater of Mutation.sendMessage");
});

it("keys every object type without an id as embedded in its parent, and leaves entities alone", () => {
  const keys = cacheOptions([]).keys ?? {};
  expect(keys.Reaction?.({ __typename: "Reaction" })).toBeNull();
  expect(keys.MessageSentEvent?.({ __typename: "MessageSentEvent" })).toBeNull();
  expect(Object.keys(keys)).not.toContain("Message");
  expect(Object.keys(keys)).not.toContain("Query");
});
