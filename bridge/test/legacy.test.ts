import { describe, expect, it } from "vitest";
import { isoPy } from "../src/legacy/dates.ts";
import { legacyData } from "../src/legacy/schemas.ts";
import { canonicalUuid, legacyUuid } from "../src/legacy/uuid.ts";

const ID = "123e4567-e89b-42d3-a456-426614174000";

describe("legacy UUIDs: what Python's uuid.UUID() reads, canonicalised", () => {
  const accepted: [string, string][] = [
    ["canonical", ID],
    ["upper case", ID.toUpperCase()],
    ["without hyphens", ID.replaceAll("-", "")],
    ["braced", `{${ID}}`],
    ["doubly braced, unbalanced", `{{${ID}}`],
    ["urn:uuid:", `urn:uuid:${ID}`],
    ["hyphens anywhere", "1-23e4567e89b42d3a456426614174000"],
    ["int(): spaces around", ` ${ID.replaceAll("-", "").slice(1)}`],
    ["int(): a 0x prefix", `0x${ID.replaceAll("-", "").slice(2)}`],
    ["int(): a + sign", `+${ID.replaceAll("-", "").slice(1)}`],
    ["int(): an underscore between digits", `1_${ID.replaceAll("-", "").slice(2)}`],
    ["int(): Arabic-Indic digits", `\u0661${ID.replaceAll("-", "").slice(1)}`],
  ];
  for (const [name, value] of accepted) {
    it(`accepts ${name}`, () => {
      const canonical = canonicalUuid(value);
      expect(canonical).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(legacyUuid.parse(value)).toBe(canonical);
    });
  }

  it("keeps the value of the number int() reads", () => {
    expect(canonicalUuid(`0x${"f".repeat(30)}`)).toBe("00ffffff-ffff-ffff-ffff-ffffffffffff");
    expect(canonicalUuid(`\u0661${"0".repeat(31)}`)).toBe("10000000-0000-0000-0000-000000000000");
  });

  const refused: [string, string][] = [
    ["empty (skips the check in legacy, then crashes)", ""],
    ["too short", ID.slice(0, 35)],
    ["too long", `${ID}0`],
    ["a non-hex letter", `${ID.slice(0, 35)}g`],
    ["two underscores", `1__${ID.replaceAll("-", "").slice(3)}`],
    ["a leading underscore", `_${ID.replaceAll("-", "").slice(1)}`],
    ["a space inside", `1 ${ID.replaceAll("-", "").slice(2)}`],
    ["a non-ASCII letter", `\uff21${ID.replaceAll("-", "").slice(1)}`],
    ["U+FEFF, not a space to Python", `\ufeff${ID.replaceAll("-", "").slice(1)}`],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name}`, () => {
      expect(canonicalUuid(value)).toBeUndefined();
      expect(legacyUuid.safeParse(value).success).toBe(false);
    });
  }

  it("refuses non-strings", () => {
    for (const value of [null, 42, true, [], {}]) expect(legacyUuid.safeParse(value).success).toBe(false);
  });
});

describe("the validation table (protocol §2.3)", () => {
  const cases: [keyof typeof legacyData, unknown, boolean][] = [
    ["new_message", { content: "", chat_id: ID, timestamp: "t" }, true],
    ["new_message", { content: "x", chat_id: ID }, false],
    ["new_message", { content: null, chat_id: ID, timestamp: "t" }, false],
    ["like_message", { id: ID, chat_id: ID }, true],
    ["like_message", { id: "", chat_id: ID }, false],
    ["unlike_message", { id: ID }, false],
    ["read_message", { id: ID, chat_id: "ignored" }, true],
    ["read_message", { id: 1 }, false],
    ["read_notification", {}, false],
    ["read_notification", { id: ID }, true],
    ["game_invite", { client_id: "c", username: "bob" }, true],
    ["game_invite", { client_id: "c", username: "bob", settings: null }, true],
    ["game_invite", { username: "bob" }, false],
    ["reply_game_invite", { username: "bob", accept: true }, true],
    ["reply_game_invite", { username: "bob", accept: "true" }, false],
    ["reply_game_invite", { username: "bob", accept: 1 }, false],
    ["game_accepted", { username: 42, accept: false }, true],
    ["game_accepted", { username: "bob" }, false],
    ["game_declined", { accept: true }, false],
    ["cancel_game_invite", { username: "bob" }, true],
    ["cancel_game_invite", { username: null }, false],
    ["add_new_friend", { sender_id: 1, receiver_id: 2 }, true],
    ["add_new_friend", { sender_id: 1 }, false],
  ];
  for (const [action, data, ok] of cases) {
    it(`${action} ${JSON.stringify(data)} is ${ok ? "valid" : "refused"}`, () => {
      expect(legacyData[action].safeParse(data).success).toBe(ok);
    });
  }

  it("canonicalises ids and drops extra keys", () => {
    // a braced chat_id crashed legacy (§2.4): refused, like urn: forms; the message id may be braced
    expect(legacyData.like_message.safeParse({ id: ID, chat_id: `{${ID}}` }).success).toBe(false);
    expect(legacyData.like_message.parse({ id: `{${ID.toUpperCase()}}`, chat_id: ID.toUpperCase(), extra: 1 })).toEqual(
      {
        id: ID,
        chat_id: ID,
      },
    );
  });
});

describe("<iso-py> dates", () => {
  it("microseconds and +00:00; a zero fraction is omitted, as Python's isoformat()", () => {
    expect(isoPy("2025-03-01T10:20:30.123Z")).toBe("2025-03-01T10:20:30.123000+00:00");
    expect(isoPy("2025-03-01T10:20:30.000Z")).toBe("2025-03-01T10:20:30+00:00");
    expect(isoPy("2025-03-01T10:20:30Z")).toBe("2025-03-01T10:20:30+00:00");
  });
});
