// Legacy duels across two instances on one PostgreSQL and one Redis: each player's sockets sit on another
// instance, and every frame still reaches every socket, once.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "../harness.ts";
import { LegacyUser, legacyUser } from "./legacy-client.ts";

let database: TestDatabase;
let one: TestServer;
let two: TestServer;
beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [await startServer({ database }), await startServer({ database })];
});
afterAll(async () => {
  await one.stop();
  await two.stop();
  await database.drop();
});

it("invite on one instance, accept on the other: game_invite and both game_accepted frames cross, once", async () => {
  const alice = await legacyUser(one);
  const bobOnOne = await legacyUser(one);
  const bob = new LegacyUser(two, bobOnOne.user, bobOnOne.jar);
  const [a1, a2, b] = await Promise.all([
    alice.connect(),
    new LegacyUser(two, alice.user, alice.jar).connect(),
    bob.connect(),
  ]);
  a1.send({ action: "game_invite", data: { client_id: "tab", username: bob.username } });
  expect(await b.next()).toMatchObject({ action: "game_invite", data: { username: alice.username, client_id: "tab" } });
  b.send({ action: "reply_game_invite", data: { username: alice.username, accept: true } });
  const [x, y, z] = await Promise.all([a1.next(), a2.next(), b.next()]);
  expect([x, y, z].map((frame) => [frame.action, frame.username])).toEqual([
    ["game_accepted", bob.username],
    ["game_accepted", bob.username],
    ["game_accepted", alice.username],
  ]);
  expect(new Set([x.game_id, y.game_id, z.game_id]).size).toBe(1);
  // once: a self-invite sentinel is the next frame on each of alice's sockets
  a2.send({ action: "game_invite", data: { client_id: "sentinel", username: alice.username } });
  for (const socket of [a1, a2]) expect((await socket.next()).data?.client_id).toBe("sentinel");
});
