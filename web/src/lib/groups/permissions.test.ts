import { expect, it } from "vitest";
import { groupPowers, memberPowers, mustHandOverFirst } from "./permissions.ts";

it("admins and the owner manage the group; only the owner deletes it", () => {
  expect(groupPowers("MEMBER")).toEqual({ rename: false, addMembers: false, unban: false, deleteGroup: false });
  expect(groupPowers("ADMIN")).toEqual({ rename: true, addMembers: true, unban: true, deleteGroup: false });
  expect(groupPowers("OWNER")).toEqual({ rename: true, addMembers: true, unban: true, deleteGroup: true });
});

it("follows the API's rank rules for acting on a member", () => {
  const none = { remove: false, ban: false, setRole: false, transferOwnership: false };
  expect(memberPowers("MEMBER", "MEMBER", false)).toEqual(none);
  expect(memberPowers("ADMIN", "MEMBER", false)).toEqual({ ...none, remove: true, ban: true });
  expect(memberPowers("ADMIN", "ADMIN", false)).toEqual(none);
  expect(memberPowers("ADMIN", "OWNER", false)).toEqual(none);
  expect(memberPowers("OWNER", "ADMIN", false)).toEqual({
    remove: true,
    ban: true,
    setRole: true,
    transferOwnership: true,
  });
  expect(memberPowers("OWNER", "MEMBER", false)).toEqual({
    remove: true,
    ban: true,
    setRole: true,
    transferOwnership: true,
  });
  expect(memberPowers("OWNER", "OWNER", true)).toEqual(none);
});

it("tells the owner to hand over before leaving, unless alone", () => {
  expect(mustHandOverFirst("OWNER", 3)).toBe(true);
  expect(mustHandOverFirst("OWNER", 1)).toBe(false);
  expect(mustHandOverFirst("ADMIN", 3)).toBe(false);
});
