import type { LegacyProfileMinimalFragment, LegacyProfileQuery } from "../operations/generated/graphql.ts";

/** ProfileMinimal (protocol §8.1), in this key order. */
export const profileMinimal = (user: LegacyProfileMinimalFragment) => ({
  username: user.username,
  nickname: user.nickname,
  avatar: user.avatar,
  elo: user.elo,
  is_online: user.isOnline,
});

/**
 * The legacy profile page's full profile. Parley keeps no match statistics: they are what a player without
 * games has (no wins, a null winrate, no enemies, empty histories); every key is there.
 */
export const fullProfile = (user: LegacyProfileQuery["user"]) => {
  const { title, price } = titleAndPrice(user.elo);
  return {
    ...profileMinimal(user),
    date_joined: user.joinedAt,
    wins: 0,
    loses: 0,
    total_matches: 0,
    winrate: null,
    worst_enemy: null,
    best_enemy: null,
    scored_balls: 0,
    elo_history: [],
    match_history: [],
    friends_count: user.friendCount,
    is_friend: user.isFriend,
    is_blocked_user: user.isBlockedByMe,
    is_blocked_by_user: user.hasBlockedMe,
    title,
    price,
  };
};

/** The wanted poster's title and bounty by elo (legacy Profile.get_title_and_price): above each floor. */
const RANKS: [floor: number, title: string, price: number][] = [
  [2700, "Wild West Legend", 1_000_000],
  [2300, "Star Criminal", 500_000],
  [2000, "Ace Outlaw", 100_000],
  [1700, "Big Shot", 10_000],
  [1400, "El Bandito", 1_000],
  [1100, "Goon", 100],
  [800, "Troublemaker", 50],
  [500, "Petty Criminal", 10],
];

export function titleAndPrice(elo: number): { title: string; price: number } {
  const rank = RANKS.find(([floor]) => elo > floor);
  return rank ? { title: rank[1], price: rank[2] } : { title: "Damsel", price: 0 };
}
