// Ending a session on one instance ends it on the others too: their sockets of that session close with
// 4403 and their cached session checks drop it at once. Two instances on one PostgreSQL and one Redis.
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeOf, createTestDatabase, gql, signUp, startServer, type TestDatabase, type TestServer } from "./harness.ts";
import { closeCodeWithin, openSocket } from "./sessions.helpers.ts";

let database: TestDatabase;
let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  [one, two] = [await startServer({ database }), await startServer({ database })];
});
afterAll(async () => {
  await one?.stop();
  await two?.stop();
  await database?.drop();
});

const meCode = async (srv: TestServer, token: string) => {
  const result = await gql(srv, "{ me { id } }", {}, { token });
  return result.errors ? codeOf(result) : "OK";
};

it("logging out through one instance closes that session's sockets on the other and refuses its token there", async () => {
  const user = await signUp(one);
  const other = await signUp(one);
  expect(await meCode(two, user.token)).toBe("OK"); // instance two now has the session cached as live
  const socket = openSocket(two, user.token);
  const otherSocket = openSocket(two, other.token);
  expect(await socket.accepted).toBe("ack");
  expect(await otherSocket.accepted).toBe("ack");

  const result = await gql(one, "mutation { logOut }", {}, { token: user.token });
  expect(result.data?.logOut).toBe(true);
  expect(await closeCodeWithin(socket)).toBe(4403);
  expect(await meCode(two, user.token)).toBe("UNAUTHENTICATED");
  expect(await meCode(two, other.token)).toBe("OK");
  otherSocket.close();
});
