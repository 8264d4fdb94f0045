// Golden frames of protocol §4.5, §4.9, §4.10 and the §8.3 list items, with exact key order.
import { describe, expect, it } from "vitest";
import { createdNotificationFrame, listedNotification } from "../src/legacy/notification-frames.ts";

const alice = { username: "alice", nickname: "Alice", avatar: "/img/default_avatar.png" };
const bob = { username: "bob", nickname: "Bob", avatar: "/media/avatars/b.png" };
const API_SETTINGS = { speed: "FAST", scoreToWin: 7, timeLimitMinutes: 3, ranked: false, coolMode: true };
const inviteData = {
  ...alice,
  gameId: "inv-1",
  clientId: "1700000000000-abc",
  settings: API_SETTINGS,
  status: "PENDING",
  invitee: bob,
};
const at = "2025-03-01T10:20:30.123Z";
const json = (value: unknown) => JSON.stringify(value);

describe("frames of created notifications", () => {
  it("game_invite: the inviter, game_id, client_id, the settings as sent, pending, invitee, date <iso-py>, id", () => {
    const frame = createdNotificationFrame({
      id: "n1",
      kind: "GAME_INVITE",
      createdAt: at,
      data: { ...inviteData, clientSettings: '{"score_to_win":7,"game_speed":"fast","unknown":true}' },
    });
    expect(json(frame)).toBe(
      json({
        action: "game_invite",
        data: {
          username: "alice",
          nickname: "Alice",
          avatar: "/img/default_avatar.png",
          game_id: "inv-1",
          client_id: "1700000000000-abc",
          settings: { score_to_win: 7, game_speed: "fast", unknown: true },
          status: "pending",
          invitee: { username: "bob", nickname: "Bob", avatar: "/media/avatars/b.png" },
          date: "2025-03-01T10:20:30.123000+00:00",
          id: "n1",
        },
      }),
    );
  });

  it("game_invite from a client that sent no settings text: the game's settings, legacy-shaped", () => {
    const frame = createdNotificationFrame({ id: "n1", kind: "GAME_INVITE", createdAt: at, data: inviteData });
    expect(frame).toMatchObject({
      data: {
        settings: {
          game_speed: "fast",
          score_to_win: 7,
          time_limit: 3,
          ranked: false,
          cool_mode: true,
        },
      },
    });
  });

  it("new_friend: the adder and the date, no notification id", () => {
    const frame = createdNotificationFrame({ id: "n2", kind: "NEW_FRIEND", createdAt: at, data: bob });
    expect(json(frame)).toBe(
      '{"action":"new_friend","data":{"username":"bob","nickname":"Bob","avatar":"/media/avatars/b.png","date":"2025-03-01T10:20:30.123000+00:00"}}',
    );
  });

  it("new_tournament: creator, tournament, alias, invitation_id, open, date; no notification id key", () => {
    const data = { ...alice, tournamentId: "t1", tournamentName: "Cup", alias: "ace", status: "OPEN" };
    const frame = createdNotificationFrame({
      id: "n3",
      kind: "NEW_TOURNAMENT",
      createdAt: "2025-03-01T10:20:30Z",
      data,
    });
    expect(json(frame)).toBe(
      json({
        action: "new_tournament",
        data: {
          ...alice,
          tournament_id: "t1",
          tournament_name: "Cup",
          alias: "ace",
          invitation_id: "n3",
          status: "open",
          date: "2025-03-01T10:20:30+00:00",
        },
      }),
    );
  });

  it("data that is not what the API stores makes no frame", () => {
    expect(createdNotificationFrame({ id: "n", kind: "GAME_INVITE", createdAt: at, data: alice })).toBeNull();
    expect(createdNotificationFrame({ id: "n", kind: "NEW_FRIEND", createdAt: at, data: null })).toBeNull();
  });
});

describe("GET /api/notifications items", () => {
  it("game invite: only the legacy schema's keys, settings normalised, date <iso-http>", () => {
    const item = listedNotification({
      id: "n1",
      kind: "GAME_INVITE",
      isRead: false,
      createdAt: at,
      data: { ...inviteData, clientSettings: '{"x":1}' },
    });
    expect(json(item)).toBe(
      json({
        id: "n1",
        action: "game_invite",
        data: {
          ...alice,
          date: "2025-03-01T10:20:30.123Z",
          game_id: "inv-1",
          settings: { game_speed: "fast", score_to_win: 7, time_limit: 3, ranked: false, cool_mode: true },
          invitee: bob,
        },
        is_read: false,
      }),
    );
  });

  it("tournament and friend items", () => {
    const tournament = listedNotification({
      id: "n2",
      kind: "NEW_TOURNAMENT",
      isRead: true,
      createdAt: "2025-03-01T10:20:30.000Z",
      data: { ...alice, tournamentId: "t1", tournamentName: "Cup", alias: "ace", status: "OPEN" },
    });
    expect(json(tournament)).toBe(
      json({
        id: "n2",
        action: "new_tournament",
        data: { ...alice, date: "2025-03-01T10:20:30Z", tournament_id: "t1", tournament_name: "Cup", alias: "ace" },
        is_read: true,
      }),
    );
    const friend = listedNotification({ id: "n3", kind: "NEW_FRIEND", isRead: false, createdAt: at, data: bob });
    expect(json(friend)).toBe(
      json({ id: "n3", action: "new_friend", data: { ...bob, date: "2025-03-01T10:20:30.123Z" }, is_read: false }),
    );
  });
});
