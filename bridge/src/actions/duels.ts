import { z } from "zod";
import { duelFrames, gameDeclined } from "../legacy/duel-frames.ts";
import { toSettingsInput, validLegacySettings } from "../legacy/game-settings.ts";
import { legacyData } from "../legacy/schemas.ts";
import {
  CancelInvitationDocument,
  DuelFeedDocument,
  type DuelFeedSubscription,
  InviteToDuelDocument,
  ReplyToInvitationDocument,
} from "../operations/generated/graphql.ts";
import { type ActionContext, type ActionTable, action, type Domain, type LiveFeed } from "./action.ts";

/** The longest client_id the API echoes; a longer one is dropped rather than failing the reply. */
const MAX_CLIENT_ID = 128;

/** §2.3 and §3.6 step 1: a settings failure closes the socket (3100) before anything is stored. */
const inviteData = legacyData.game_invite.extend({
  settings: z.unknown().refine(validLegacySettings, "invalid game settings").optional(),
});
const replyData = legacyData.reply_game_invite.extend({ client_id: z.unknown().optional() });
const cancelData = legacyData.cancel_game_invite;

/**
 * `game_accepted` / `game_declined` name the inviter in an unchecked `username` (§2.3); legacy looks it up as
 * text, as Django casts a lookup value (5 → "5").
 */
const usernameText = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));

/** A reply's optional client_id may be any JSON value (§3.7); the API echoes it as text. */
function clientIdText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length <= MAX_CLIENT_ID ? text : null;
}

/**
 * §3.6. Refusals (yourself, engaged, a block either way) reach all the caller's sockets through the duel feed;
 * the invitee's `game_invite` comes through the notification feed. Inviting someone who invited you declines
 * theirs: this socket alone is told (§3.6 step 5).
 */
async function invite(data: z.infer<typeof inviteData>, ctx: ActionContext): Promise<void> {
  const result = await ctx.api.execute({
    document: InviteToDuelDocument,
    variables: {
      username: data.username,
      settings: toSettingsInput(data.settings),
      clientId: data.client_id,
      // echoed to the invitee as sent; `null` is taken as "not given", like an absent key
      clientSettings: JSON.stringify(data.settings ?? {}),
    },
  });
  if (result.data?.inviteToDuel.declinedInvitations.length) ctx.reply(gameDeclined(ctx.caller));
}

/** §3.7 / §3.8. A decline is answered on this socket only; the inviter hears it through the duel feed. */
async function reply(username: string, accept: boolean, clientId: string | null, ctx: ActionContext): Promise<void> {
  const result = await ctx.api.execute({
    document: ReplyToInvitationDocument,
    variables: { username, accept, clientId },
  });
  const invitation = result.data?.replyToInvitation;
  if (invitation && !accept) ctx.reply(gameDeclined(invitation.invitee));
}

/** §3.9: unknown invitee or nothing pending is silent; both sides hear a cancellation through the duel feed. */
async function cancel({ username }: z.infer<typeof cancelData>, ctx: ActionContext): Promise<void> {
  await ctx.api.execute({ document: CancelInvitationDocument, variables: { username } });
}

/** The duel actions (protocol §3.6–3.9). `new_tournament` is not one: it closes 3100 as unknown (§3.10). */
export const duelActions: ActionTable = {
  game_invite: action({ data: inviteData, run: invite }),
  reply_game_invite: action({
    data: replyData,
    run: (data, ctx) => reply(data.username, data.accept, clientIdText(data.client_id), ctx),
  }),
  // the client actions require a boolean `accept` and ignore its value (§3.7)
  game_accepted: action({
    data: legacyData.game_accepted,
    run: (data, ctx) => reply(usernameText(data.username), true, null, ctx),
  }),
  game_declined: action({
    data: legacyData.game_declined,
    run: (data, ctx) => reply(usernameText(data.username), false, null, ctx),
  }),
  cancel_game_invite: action({ data: cancelData, run: cancel }),
};

/** game_accepted, game_declined (to the inviter) and game_invite_canceled frames, on every legacy socket. */
export const duelFeed: LiveFeed<DuelFeedSubscription> = {
  operation: { document: DuelFeedDocument, variables: {} },
  frames: (event, ctx) => duelFrames(event.invitationEvents, ctx.caller.userId),
};

export const duels: Domain = { actions: duelActions, feeds: [duelFeed] };
