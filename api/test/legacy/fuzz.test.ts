// Fuzz of the legacy frame pipeline over real sockets: generated frames (malformed JSON, wrong types, deep
// nesting, huge strings, unicode edge cases, random and forged actions, binary frames) through the mounted
// bridge. Every socket ends with a bad frame, so each must close with 3100, and only with 3100: no crash, no
// 1011, no stored row, heap flat. Reproduce a run with FUZZ_SEED=<the seed in the message>.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openChat, startServer, type TestServer } from "../harness.ts";
import { type LegacyUser, legacyUser } from "./legacy-client.ts";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SOCKETS = 340;
/** frames per socket: under the 50/s rate limit, so most sockets live through their sequence */
const MAX_FRAMES = 45;
const PARALLEL = 8;
const HEAP_BOUND_MB = 15;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let server: TestServer;
let users: LegacyUser[];
beforeAll(async () => {
  server = await startServer();
  users = await Promise.all(Array.from({ length: 4 }, () => legacyUser(server)));
  await openChat(server, users[0]!.user, users[1]!.username); // a real chat the fuzz never names
});
afterAll(() => server.stop());

const ACTIONS = [
  "new_message",
  "like_message",
  "unlike_message",
  "read_message",
  "read_notification",
  "add_new_friend",
  "game_invite",
  "reply_game_invite",
  "game_accepted",
  "game_declined",
  "cancel_game_invite",
  "new_tournament",
  "user_online",
  "user_offline",
  "notification",
  "join_chat",
  "room_created",
  "chat_message",
  "__proto__",
  "constructor",
  "hasOwnProperty",
];
const KEYS = [
  "content",
  "chat_id",
  "timestamp",
  "id",
  "username",
  "accept",
  "client_id",
  "settings",
  "message",
  "type",
];

const edgeString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "\udfff", "\ufeff", "\u202e", "\u200b", "👩‍👩‍👧", "e\u0301", "\uffff"),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `{${id}}`),
  fc.uuid().map((id) => `urn:uuid:${id.replaceAll("-", "")}`),
  fc.integer({ min: 1_000, max: 80_000 }).map((n) => "x".repeat(n)),
);
const value = fc.oneof(edgeString, fc.jsonValue({ maxDepth: 3 }), fc.constant(null), fc.boolean(), fc.double());
const data = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 6 }),
  value,
  fc.uuid().map((id) => ({ chat_id: id, content: "c", timestamp: "t" })), // a valid send to a chat that does not exist
);
const deep = fc
  .integer({ min: 100, max: 20_000 })
  .map((depth) => `{"action":"new_message","data":${"[".repeat(depth)}${"]".repeat(depth)}}`);

/** Text frames are encoded when generated: sending a rope string (`repeat`, `+`) flattens it, which would
 * show as heap growth held by the inputs themselves. */
type Frame = { text: Buffer } | { binary: Uint8Array };
const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ action: fc.oneof(fc.constantFrom(...ACTIONS), value), data }).map((f) => text(JSON.stringify(f))),
  fc.record({ action: fc.constantFrom(...ACTIONS), data }, { requiredKeys: [] }).map((f) => text(JSON.stringify(f))),
  fc.jsonValue().map((v) => text(JSON.stringify(v) ?? "null")),
  fc.string({ unit: "binary", maxLength: 200 }).map(text), // mostly malformed JSON
  deep.map(text),
  fc.uint8Array({ maxLength: 64 }).map((binary) => ({ binary })),
);
function text(value: string): Frame {
  return { text: Buffer.from(value) };
}
/** each socket's frames, then a frame that must close it */
const sequence = fc.array(frame, { minLength: 20, maxLength: MAX_FRAMES - 1 });

async function fuzzSocket(user: LegacyUser, frames: Frame[]): Promise<number> {
  const socket = await user.connect();
  for (const f of frames) {
    if ("binary" in f) socket.sendBinary(f.binary);
    else socket.ws.send(f.text, { binary: false });
  }
  socket.send("{ not json");
  const { code } = await socket.closed;
  return code;
}

async function stored() {
  const [messages, notifications, invitations] = await Promise.all([
    server.app.prisma.message.count(),
    server.app.prisma.notification.count(),
    server.app.prisma.duelInvitation.count(),
  ]);
  return { messages, notifications, invitations };
}

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

it(`${SOCKETS} sockets of generated frames close only with 3100, store nothing, leave the heap flat`, async () => {
  const sequences = fc.sample(sequence, { numRuns: SOCKETS, seed: SEED });
  const frames = sequences.reduce((sum, frames) => sum + frames.length + 1, 0);
  expect(frames).toBeGreaterThanOrEqual(10_000);
  const before = await stored();

  const codes = new Map<number, number>();
  const run = async (batch: Frame[][]) => {
    for (let i = 0; i < batch.length; i += PARALLEL) {
      const results = await Promise.all(
        batch.slice(i, i + PARALLEL).map((frames, j) => fuzzSocket(users[j % users.length]!, frames)),
      );
      for (const code of results) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  };
  await run(sequences.slice(0, 20)); // warm-up: JIT, caches, connection pools
  const heapBefore = heapMb();
  await run(sequences.slice(20));
  await expect
    .poll(() => users.every((user) => server.app.services.presence.localSockets(user.user.id) === 0))
    .toBe(true);
  const grownMb = heapMb() - heapBefore;

  console.log(
    `legacy fuzz (seed ${SEED}): ${frames} frames on ${SOCKETS} sockets, closes ${JSON.stringify(Object.fromEntries(codes))}, ` +
      `heap ${heapBefore.toFixed(1)} MB → ${grownMb < 0 ? "" : "+"}${grownMb.toFixed(1)} MB`,
  );
  expect(Object.fromEntries(codes), `seed ${SEED}`).toEqual({ 3100: SOCKETS });
  expect(await stored()).toEqual(before);
  expect(grownMb, `seed ${SEED}`).toBeLessThan(HEAP_BOUND_MB);
}, 180_000);
