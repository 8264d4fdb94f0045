import type { Client } from "@urql/core";
import { get } from "svelte/store";
import {
  DuelStateDocument,
  InvitationEventsDocument,
  type InvitationEventsSubscription,
} from "../graphql/generated/graphql.ts";
import type { LiveFeed } from "../live.ts";
import { onceEach } from "../notifications/once.ts";
import { currentUser } from "../session/session.ts";
import { toast } from "../ui/toasts.ts";
import { duelHref } from "./duels.ts";
import { recordOutcome } from "./outcomes.ts";

type Event = InvitationEventsSubscription["invitationEvents"];

/** The toast an invitation event shows `me`, if any: an invitation to me, and the answer the other side gave. */
export function invitationToast(event: Event, me: string): { text: string; href: string } | undefined {
  if (!("invitation" in event)) return undefined;
  const { inviter, invitee } = event.invitation;
  const mine = inviter.username === me;
  const other = mine ? invitee : inviter;
  const href = duelHref(other.username);
  switch (event.__typename) {
    case "InvitationReceivedEvent":
      return mine ? undefined : { text: `${inviter.nickname} invited you to a duel`, href };
    case "InvitationAcceptedEvent":
      return mine ? { text: `${invitee.nickname} accepted your duel`, href } : undefined;
    case "InvitationDeclinedEvent":
      return mine ? { text: `${invitee.nickname} declined your duel`, href } : undefined;
    case "InvitationCancelledEvent":
      return mine ? undefined : { text: `${inviter.nickname} cancelled their duel invitation`, href };
    case "InvitationExpiredEvent":
      return { text: `The duel invitation ${mine ? "to" : "from"} ${other.nickname} expired`, href };
  }
}

/** What the feed does with one event (the cache's updater has already applied it). */
export function handleInvitationEvent(
  client: Client,
  event: Event,
  me: string | undefined,
  firstTime: (key: string) => boolean,
  show: (text: string, href?: string) => void = toast,
): void {
  if (event.__typename === "StreamReadyEvent") {
    void client.query(DuelStateDocument, {}, { requestPolicy: "network-only" }).toPromise();
    return;
  }
  if (!me || !("invitation" in event)) return;
  recordOutcome(me, event.invitation);
  const shown = invitationToast(event, me);
  if (shown && firstTime(`${event.__typename}:${event.invitation.id}`)) show(shown.text, shown.href);
}

/** The app-wide invitation feed (lib/live.ts): cache updates, toasts, outcomes, a refetch on every StreamReady. */
export const duelsFeed: LiveFeed = (client) => {
  const firstTime = onceEach();
  const subscription = client.subscription(InvitationEventsDocument, {}).subscribe((result) => {
    const event = result.data?.invitationEvents;
    if (event) handleInvitationEvent(client, event, get(currentUser)?.username, firstTime);
  });
  return () => subscription.unsubscribe();
};
