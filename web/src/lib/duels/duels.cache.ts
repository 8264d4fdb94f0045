import type { Cache } from "@urql/exchange-graphcache";
import type { DomainCache } from "../graphql/cache.ts";
import { refetchUnreadCount } from "../notifications/notifications.cache.ts";

/** What the updaters need of an invitation (the events and mutations select DuelInvitationFields). */
interface InvitationRef {
  __typename?: string;
  id: string;
  status?: string;
  game?: { id: string } | null;
}

const invitationKey = (cache: Cache, id: string) => cache.keyOfEntity({ __typename: "DuelInvitation", id });
const gameKey = (cache: Cache, id: string) => cache.keyOfEntity({ __typename: "Game", id });

/** The cached `me` entity's key, if any query fetched it. */
function meKey(cache: Cache): string | undefined {
  const me = cache.resolve("Query", "me");
  return typeof me === "string" ? me : undefined;
}

/** me.incomingInvitations as keys, or undefined when no query fetched it. */
function incoming(cache: Cache, me: string): string[] | undefined {
  const links = cache.resolve(me, "incomingInvitations");
  return Array.isArray(links) ? links.filter((link): link is string => typeof link === "string") : undefined;
}

/** Takes a finished invitation out of my pending ones (incoming and outgoing). Idempotent. */
function settle(cache: Cache, me: string, invitation: InvitationRef): void {
  const key = invitationKey(cache, invitation.id);
  const list = incoming(cache, me);
  if (list?.includes(key ?? "")) {
    cache.link(
      me,
      "incomingInvitations",
      list.filter((link) => link !== key),
    );
  }
  if (cache.resolve(me, "outgoingInvitation") === key) cache.link(me, "outgoingInvitation", null);
}

/** InvitationReceivedEvent: someone invited me; first among my incoming invitations, once. */
export function invitationReceived(cache: Cache, invitation: InvitationRef): void {
  const me = meKey(cache);
  const key = invitationKey(cache, invitation.id);
  if (!me || !key) return;
  const list = incoming(cache, me);
  if (list && !list.includes(key) && invitation.status === "PENDING") {
    cache.link(me, "incomingInvitations", [key, ...list]);
  }
}

/** inviteToDuel's result: my pending invitation; the ones it declined (theirs to me) are settled. */
export function invitationSent(cache: Cache, invitation: InvitationRef, declined: readonly InvitationRef[]): void {
  const me = meKey(cache);
  const key = invitationKey(cache, invitation.id);
  if (!me || !key) return;
  for (const one of declined) settle(cache, me, one);
  if (invitation.status === "PENDING") cache.link(me, "outgoingInvitation", key);
  // The API stores an unread copy of a GAME_INVITE for its sender too, without pushing it.
  refetchUnreadCount(cache);
}

/** InvitationAcceptedEvent (and replyToInvitation's accepted result): no longer pending; the game is mine. */
export function invitationAccepted(cache: Cache, invitation: InvitationRef, game: { id: string } | null): void {
  const me = meKey(cache);
  if (!me) return;
  settle(cache, me, invitation);
  const key = game ? gameKey(cache, game.id) : undefined;
  if (key && cache.resolve(me, "currentGame") !== key) cache.link(me, "currentGame", key);
}

/** InvitationDeclinedEvent (and replyToInvitation's declined result). */
export function invitationDeclined(cache: Cache, invitation: InvitationRef): void {
  const me = meKey(cache);
  if (me) settle(cache, me, invitation);
}

/** InvitationCancelledEvent (and cancelInvitation's result). */
export function invitationCancelled(cache: Cache, invitation: InvitationRef): void {
  invitationDeclined(cache, invitation);
}

/** InvitationExpiredEvent. */
export function invitationExpired(cache: Cache, invitation: InvitationRef): void {
  invitationDeclined(cache, invitation);
}

/** GameEndedEvent: it is no longer my current game. */
export function gameEnded(cache: Cache, game: { id: string }): void {
  const me = meKey(cache);
  if (!me) return;
  if (cache.resolve(me, "currentGame") === gameKey(cache, game.id)) cache.link(me, "currentGame", null);
}

const isRef = (value: unknown): value is InvitationRef =>
  typeof value === "object" && value !== null && typeof Reflect.get(value, "id") === "string";

function field(value: unknown, name: string): unknown {
  return value && typeof value === "object" ? Reflect.get(value, name) : undefined;
}

/** A reply's result: accepted (with its game) or declined. */
function replied(cache: Cache, result: unknown): void {
  if (!isRef(result)) return;
  if (result.status === "ACCEPTED") invitationAccepted(cache, result, result.game ?? null);
  else invitationDeclined(cache, result);
}

export const duelsCache: DomainCache = {
  updates: {
    Mutation: {
      inviteToDuel: (result, _args, cache) => {
        const invitation = result.inviteToDuel;
        if (!isRef(invitation)) return;
        const declined = field(invitation, "declinedInvitations");
        invitationSent(cache, invitation, Array.isArray(declined) ? declined.filter(isRef) : []);
      },
      cancelInvitation: (result, _args, cache) => {
        if (isRef(result.cancelInvitation)) invitationCancelled(cache, result.cancelInvitation);
      },
      replyToInvitation: (result, _args, cache) => replied(cache, result.replyToInvitation),
    },
    Subscription: {
      invitationEvents: (result, _args, cache) => {
        const event = result.invitationEvents;
        const invitation = field(event, "invitation");
        const game = field(event, "game");
        switch (field(event, "__typename")) {
          case "InvitationReceivedEvent":
            if (isRef(invitation)) invitationReceived(cache, invitation);
            break;
          case "InvitationAcceptedEvent":
            if (isRef(invitation)) invitationAccepted(cache, invitation, isRef(game) ? game : null);
            break;
          case "InvitationDeclinedEvent":
            if (isRef(invitation)) invitationDeclined(cache, invitation);
            break;
          case "InvitationCancelledEvent":
            if (isRef(invitation)) invitationCancelled(cache, invitation);
            break;
          case "InvitationExpiredEvent":
            if (isRef(invitation)) invitationExpired(cache, invitation);
            break;
          case "GameEndedEvent":
            if (isRef(game)) gameEnded(cache, game);
            break;
          // InvitationRejectedEvent: the mutation that was refused returned the error to its tab.
          // StreamReadyEvent: the live feed fetches DuelState again (duels.live.ts).
        }
      },
    },
  },
};
