import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { action, type Domain } from "../src/actions/action.ts";
import { chat } from "../src/actions/chat.ts";
import { domains } from "../src/actions/index.ts";
import { LegacyClose } from "../src/legacy/close-codes.ts";
import { SendMessageDocument } from "../src/operations/generated/graphql.ts";
import { actionsOf, openSession } from "../src/session.ts";
import { FakeApi, FakeSocket, options, RecordingLogger } from "./fakes.ts";

const CHAT = "123e4567-e89b-42d3-a456-426614174000";
const message = (data: Record<string, unknown> = {}) => ({
  action: "new_message",
  data: { chat_id: CHAT, content: "hi", timestamp: "t1", ...data },
});

async function opened(tables: readonly Domain[] = domains, logger = new RecordingLogger()) {
  const socket = new FakeSocket();
  const api = new FakeApi();
  const session = openSession(socket, api, tables, options(logger));
  expect(await session.ready).toBe(true);
  return { socket, api, session, logger };
}

/** Lets queued frames run (each action is awaited in order). */
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("opening", () => {
  it("reads the caller, starts every live feed and sends nothing", async () => {
    const { socket, api } = await opened();
    expect(api.executed.map((operation) => operation.document)).toHaveLength(1);
    expect(api.feeds.map((feed) => feed.operation.document)).toEqual(
      domains.flatMap((domain) => domain.feeds.map((feed) => feed.operation.document)),
    );
    expect(socket.sent).toEqual([]);
    expect(socket.closedWith).toBeUndefined();
  });

  it("a frame received before the feeds are live runs once they are", async () => {
    const socket = new FakeSocket();
    const api = new FakeApi();
    const session = openSession(socket, api, domains, options());
    socket.receive(message());
    expect(api.actions).toEqual([]);
    await session.ready;
    await flush();
    expect(api.actions.map((operation) => operation.document)).toEqual([SendMessageDocument]);
  });

  it("one action name in two tables is refused at build", () => {
    expect(() => actionsOf([chat, chat])).toThrow(/new_message is defined twice/);
  });
});

describe("the frame pipeline (protocol §2.2)", () => {
  const badFrames: [string, unknown][] = [
    ["invalid JSON", "{"],
    ["invalid JSON (trailing garbage)", '{"action":"new_message"} x'],
    ["an array", "[]"],
    ["a number", "42"],
    ["null", "null"],
    ["a string", '"x"'],
    ["an unknown action", { action: "dance", data: {} }],
    ["an action that is a non-empty array", { action: ["new_message"], data: {} }],
    ["an action that is a non-empty object", { action: { a: 1 }, data: {} }],
    ["a number action", { action: 1, data: {} }],
    ["a prototype name as action", { action: "__proto__", data: {} }],
    ["constructor as action", { action: "constructor", data: {} }],
    ["data null", { action: "new_message", data: null }],
    ["data missing", { action: "new_message" }],
    ["data an array", { action: "new_message", data: [] }],
    ["data a string holding the field names", { action: "new_message", data: "content chat_id timestamp" }],
    ["a missing field", { action: "new_message", data: { chat_id: CHAT, content: "hi" } }],
    ["content not a string", message({ content: 1 })],
    ["content null", message({ content: null })],
    ["timestamp a number", message({ timestamp: 5 })],
    ["chat_id not a UUID", message({ chat_id: "not-a-uuid" })],
    ["chat_id empty (a legacy crash path)", message({ chat_id: "" })],
    ["chat_id a number", message({ chat_id: 42 })],
  ];
  for (const forged of [
    "user_online",
    "user_offline",
    "notification",
    "join_chat",
    "chat_message",
    "room_created",
    "new_tournament",
  ]) {
    badFrames.push([
      `the client-forged action ${forged}`,
      { action: forged, data: { username: "alice", message: "x", type: "y" } },
    ]);
  }

  for (const [name, frame] of badFrames) {
    it(`${name} closes with 3100 and runs nothing`, async () => {
      const { socket, api } = await opened();
      socket.receive(frame);
      await flush();
      expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
      expect(api.actions).toEqual([]);
      expect(api.closedByBridge).toBe(true);
      expect(api.feeds.every((feed) => feed.ended)).toBe(true);
    });
  }

  it("a binary frame closes with 3100", async () => {
    const { socket } = await opened();
    socket.receiveBinary();
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
  });

  it("a text frame past the size bound closes with 3100 unparsed", async () => {
    const { socket, api } = await opened();
    socket.receive(message({ content: "x".repeat(64 * 1024) }));
    await flush();
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
    expect(api.actions).toEqual([]);
  });

  const ignored: [string, unknown][] = [
    ["no action", { data: {} }],
    ["an empty action", { action: "", data: {} }],
    ["a null action", { action: null }],
    ["a false action", { action: false }],
    ["a zero action", { action: 0 }],
    ["an empty-array action (falsy in Python)", { action: [] }],
    ["an empty-object action (falsy in Python)", { action: {} }],
    ["an empty object", {}],
  ];
  for (const [name, frame] of ignored) {
    it(`${name} is ignored: the socket stays open and the next frame runs`, async () => {
      const { socket, api } = await opened();
      socket.receive(frame);
      socket.receive(message());
      await flush();
      expect(socket.closedWith).toBeUndefined();
      expect(api.actions.map((operation) => operation.document)).toEqual([SendMessageDocument]);
    });
  }

  it("extra keys are ignored; the id is canonicalised before use", async () => {
    const { socket, api } = await opened();
    socket.receive({
      action: "new_message",
      extra: 1,
      data: { ...message().data, chat_id: CHAT.toUpperCase().replaceAll("-", ""), x: 1 },
    });
    await flush();
    expect(api.actions[0]?.variables).toEqual({ chatId: CHAT, content: "hi", clientTimestamp: "t1" });
  });

  it("frames run in order: a bad frame after a running action closes only once that action is done", async () => {
    const { socket, api } = await opened();
    api.instant = false;
    socket.receive(message({ content: "first" }));
    socket.receive(message({ content: "second" }));
    socket.receive("{");
    await flush();
    expect(api.actions.map((operation) => (operation.variables as { content: string }).content)).toEqual(["first"]);
    expect(socket.closedWith).toBeUndefined();
    api.answer();
    await flush();
    expect(api.actions).toHaveLength(2);
    expect(socket.closedWith).toBeUndefined();
    api.answer();
    await flush();
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
  });

  it("an action that throws closes with 3100 and is logged", async () => {
    const boom: Domain = {
      actions: {
        boom: action({
          data: z.object({}),
          run: () => Promise.reject(new Error("unexpected")),
        }),
      },
      feeds: [],
    };
    const { socket, logger } = await opened([boom]);
    socket.receive({ action: "boom", data: {} });
    await flush();
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
    expect(logger.lines).toEqual([{ level: "error", message: "legacy socket: an action failed" }]);
  });
});

describe("the frame rate (50 per rolling second per socket)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the 51st frame within a second closes with 3100; every frame counts, ignored ones too", async () => {
    const { socket, api } = await opened();
    for (let i = 0; i < 49; i++) socket.receive({});
    socket.receive(message());
    await flush();
    expect(socket.closedWith).toBeUndefined();
    expect(api.actions).toHaveLength(1);
    socket.receive({});
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);
  });

  it("the window rolls: 50 frames, a second later 50 more", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { socket } = await opened();
    for (let i = 0; i < 50; i++) socket.receive({});
    vi.advanceTimersByTime(999);
    socket.receive({});
    expect(socket.closedWith?.code).toBe(LegacyClose.BadData);

    const other = await opened();
    for (let i = 0; i < 50; i++) other.socket.receive({});
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 50; i++) other.socket.receive({});
    expect(other.socket.closedWith).toBeUndefined();
  });

  it("frames waiting behind slow actions are bounded: past 256 the socket closes with 1013", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { socket, api } = await opened();
    api.instant = false;
    for (let second = 0; second < 6; second++) {
      for (let i = 0; i < 50; i++) socket.receive(message());
      vi.advanceTimersByTime(1000);
    }
    await flush();
    expect(socket.closedWith?.code).toBe(LegacyClose.TryAgainLater);
  });
});

describe("live feeds and the API socket", () => {
  const sent = {
    chatEvents: {
      __typename: "MessageSentEvent",
      message: {
        id: "m1",
        chatId: CHAT,
        chatKind: "DIRECT",
        kind: "TEXT",
        content: "hi",
        createdAt: "2025-03-01T10:20:30.123Z",
        clientTimestamp: "t1",
        isRead: false,
        isLiked: false,
        sender: { username: "bob" },
      },
    },
  };

  it("an event becomes this socket's frames", async () => {
    const { socket, api } = await opened();
    api.feeds[0]?.onResult({ data: sent });
    expect(socket.sent).toEqual([
      {
        action: "new_message",
        data: {
          chat_id: CHAT,
          id: "m1",
          content: "hi",
          date: "2025-03-01T10:20:30.123000+00:00",
          sender: "bob",
          is_read: false,
          is_liked: false,
          timestamp: "t1",
        },
      },
    ]);
  });

  it("a socket with more queued than WS_MAX_BUFFERED_BYTES is closed with 1013 instead of sent to", async () => {
    const { socket, api } = await opened();
    socket.bufferedAmount = 1025;
    api.feeds[0]?.onResult({ data: sent });
    expect(socket.sent).toEqual([]);
    expect(socket.closedWith?.code).toBe(LegacyClose.TryAgainLater);
  });

  it("a feed the API ends closes the socket with 1013 (reconnect)", async () => {
    const { socket, api } = await opened();
    api.feeds[0]?.onEnd();
    expect(socket.closedWith?.code).toBe(LegacyClose.TryAgainLater);
  });

  for (const [apiCode, legacyCode] of [
    [4403, LegacyClose.IllegalConnection],
    [1001, LegacyClose.GoingAway],
    [1013, LegacyClose.TryAgainLater],
    [4500, LegacyClose.InternalError],
  ] as const) {
    it(`the API closing with ${apiCode} closes the legacy socket with ${legacyCode}`, async () => {
      const { socket, api } = await opened();
      api.closeFromApi(apiCode);
      await flush();
      expect(socket.closedWith?.code).toBe(legacyCode);
    });
  }

  it("the legacy socket's close ends its feeds and its API socket", async () => {
    const { api, session } = await opened();
    session.closed();
    expect(api.feeds.every((feed) => feed.ended)).toBe(true);
    expect(api.closedByBridge).toBe(true);
  });
});
