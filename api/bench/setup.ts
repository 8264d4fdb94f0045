// Users, tokens and chats for a Parley run. Shared mode inserts users into the run's database and signs their
// tokens with the server's secret (10,000 sign-ups would spend minutes hashing passwords); embedded signs up.
import { TokenService } from "../src/infra/auth.ts";
import { pool } from "./stats.ts";
import { JWT_SECRET, type Target } from "./targets.ts";

export interface BenchUser {
  username: string;
  token: string;
}

const tokens = new TokenService(JWT_SECRET, 86_400, 86_400);

export async function gql(target: Target, query: string, variables: object, token?: string): Promise<any> {
  const response = await fetch(target.httpUrl, {
    method: "POST",
    body: JSON.stringify({ query, variables }),
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
  return body.data;
}

let runs = 0;
/** `count` fresh users, named uniquely for this bench process. */
export async function createUsers(target: Target, count: number): Promise<BenchUser[]> {
  const prefix = `b${Date.now().toString(36)}${++runs}_`;
  const usernames = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  if (target.kind === "relay") return usernames.map((username) => ({ username, token: "" }));
  if (target.insertUsers) {
    const inserted = await target.insertUsers(usernames);
    return Promise.all(
      inserted.map(async ({ userId, sessionId }, i) => ({
        username: usernames[i]!,
        token: (await tokens.signAccess(userId, sessionId)).token,
      })),
    );
  }
  const users: BenchUser[] = [];
  await pool(count, 8, async (i) => {
    const data = await gql(
      target,
      "mutation($u:String!,$e:String!,$p:String!){signUp(username:$u,email:$e,password:$p){accessToken}}",
      { u: usernames[i], e: `${usernames[i]}@bench.test`, p: "Bench-pass-2026" },
    );
    users[i] = { username: usernames[i]!, token: data.signUp.accessToken };
  });
  return users;
}

/** One chat per pair (2k, 2k+1); the relay's "chat" is a room name. */
export async function openChats(target: Target, users: BenchUser[]): Promise<string[]> {
  const chats: string[] = [];
  await pool(users.length >> 1, 16, async (k) => {
    if (target.kind === "relay") chats[k] = `room${k}`;
    else {
      const data = await gql(
        target,
        "mutation($u:String!){openChat(username:$u){chat{id}}}",
        {
          u: users[2 * k + 1]!.username,
        },
        users[2 * k]!.token,
      );
      chats[k] = data.openChat.chat.id;
    }
  });
  return chats;
}

/** Messages stored in the chats, counted by the server itself (embedded mode: the database is inside it). */
export async function countStored(target: Target, users: BenchUser[], chats: string[]): Promise<number> {
  const direct = await target.countMessages();
  if (direct !== null) return direct;
  let total = 0;
  await pool(chats.length, 8, async (k) => {
    const data = await gql(
      target,
      "query($id:ID!){chat(id:$id){messages(first:1){totalCount}}}",
      { id: chats[k] },
      users[2 * k]!.token,
    );
    total += data.chat.messages.totalCount;
  });
  return total;
}

/** One group of every user, created by the first (the relay's "group" is a room name). */
export async function createGroup(target: Target, users: BenchUser[]): Promise<string> {
  if (target.kind === "relay") return "group";
  const [owner, ...members] = users;
  const data = await gql(
    target,
    "mutation($t:String!,$u:[String!]!){createGroup(title:$t,usernames:$u){id}}",
    { t: "bench group", u: members.map((user) => user.username) },
    owner!.token,
  );
  return data.createGroup.id;
}

/** `follower` adds `followed` as a friend (the FRIENDS presence scope). */
export async function follow(target: Target, follower: BenchUser, followed: BenchUser): Promise<void> {
  await gql(target, "mutation($u:String!){addFriend(username:$u){id}}", { u: followed.username }, follower.token);
}
