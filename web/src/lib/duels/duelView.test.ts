import { describe, expect, it } from "vitest";
import type { DuelGameFragment, DuelInvitationFieldsFragment } from "../graphql/generated/graphql.ts";
import { duelView } from "./duelView.ts";

const user = (username: string) => ({ id: username, username, nickname: username, avatar: "" });
const settings = { speed: "MEDIUM", scoreToWin: 5, timeLimitMinutes: 3, ranked: false, coolMode: false } as const;
const NOW = Date.parse("2026-12-01T10:01:00.000Z");
const invitation = (
  from: string,
  to: string,
  expiresAt = "2026-12-01T10:05:00.000Z",
): DuelInvitationFieldsFragment => ({
  id: `${from}-${to}`,
  status: "PENDING",
  clientId: null,
  createdAt: "2026-12-01T10:00:00.000Z",
  expiresAt,
  inviter: user(from),
  invitee: user(to),
  settings,
  game: null,
});
const game: DuelGameFragment = {
  id: "g1",
  status: "ONGOING",
  createdAt: "2026-12-01T10:00:30.000Z",
  endedAt: null,
  players: [user("bob"), user("alice")],
  settings,
};
const empty = { outgoingInvitation: null, incomingInvitations: [], currentGame: null };

describe("the duel page's state", () => {
  it("derives every state from the API's answer (and the ends seen live)", () => {
    expect(duelView("alice", "Alice", empty, undefined, NOW).kind).toBe("self");
    expect(duelView("alice", "bob", empty, undefined, NOW).kind).toBe("none");
    const waiting = { ...empty, outgoingInvitation: invitation("alice", "bob") };
    expect(duelView("alice", "bob", waiting, undefined, NOW).kind).toBe("waiting");
    expect(duelView("alice", "carol", waiting, undefined, NOW).kind).toBe("none");
    const invited = { ...empty, incomingInvitations: [invitation("bob", "alice")] };
    expect(duelView("alice", "bob", invited, undefined, NOW).kind).toBe("invited");
    expect(duelView("alice", "bob", { ...invited, currentGame: game }, undefined, NOW)).toEqual({ kind: "game", game });
    const declined = { invitationId: "x", status: "DECLINED", mine: true, gameId: null } as const;
    expect(duelView("alice", "bob", empty, declined, NOW)).toEqual({ kind: "ended", outcome: declined });
    // a pending invitation outranks how the previous one ended
    expect(duelView("alice", "bob", waiting, declined, NOW).kind).toBe("waiting");
  });

  it("a pending invitation past its expiry reads as expired before the server's expiry job says so", () => {
    const lapsed = { ...empty, outgoingInvitation: invitation("alice", "bob", "2026-12-01T10:00:59.000Z") };
    expect(duelView("alice", "bob", lapsed, undefined, NOW)).toMatchObject({
      kind: "ended",
      outcome: { status: "EXPIRED", mine: true },
    });
  });
});
