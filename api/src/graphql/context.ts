import type { PrismaClient } from "@parley/db";
import type { ChatService } from "../domains/chat/chat.service.ts";
import type { MessageEditsService } from "../domains/chat/edits/edits.service.ts";
import type { ReactionsService } from "../domains/chat/reactions/reactions.service.ts";
import type { ReceiptsService } from "../domains/chat/receipts/receipts.service.ts";
import type { GamesService } from "../domains/games/games.service.ts";
import type { GroupsService } from "../domains/groups/groups.service.ts";
import type { InvitationsService } from "../domains/invitations/invitations.service.ts";
import type { MediaService } from "../domains/media/media.service.ts";
import type { NotificationsService } from "../domains/notifications/notifications.service.ts";
import type { PresenceService } from "../domains/presence/presence.service.ts";
import type { TournamentsService } from "../domains/tournaments/tournaments.service.ts";
import type { AuthService } from "../domains/users/auth.service.ts";
import type { UsersService } from "../domains/users/users.service.ts";
import type { Logger } from "../infra/logger.ts";
import type { EventBus } from "../realtime/event-bus.ts";
import { unauthenticated } from "./errors.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

export interface Services {
  auth: AuthService;
  users: UsersService;
  chat: ChatService;
  reactions: ReactionsService;
  messageEdits: MessageEditsService;
  receipts: ReceiptsService;
  groups: GroupsService;
  notifications: NotificationsService;
  tournaments: TournamentsService;
  invitations: InvitationsService;
  games: GamesService;
  presence: PresenceService;
  media: MediaService;
}

export interface Viewer {
  id: string;
  /** the session of the access token (logging out ends it) */
  sessionId: string;
  /** access token expiry, epoch seconds */
  tokenExp: number;
}

/** A socket that outlives its access token (the in-process legacy bridge) acts in this session while it is live. */
export interface SocketSession {
  userId: string;
  sessionId: string;
}

/** Per-operation context, the same for HTTP and WebSocket operations. */
export interface Context {
  viewer: Viewer | null;
  /** why there is no viewer, when a token was presented */
  authProblem: "invalid" | "expired" | null;
  prisma: PrismaClient;
  bus: EventBus;
  services: Services;
  loaders: Loaders;
  /** HTTP only: cookies to set on the response (undefined over WebSocket). */
  cookies: CookieJar | undefined;
  /** raw refresh token from the request cookie, if any */
  refreshCookie: string | undefined;
  cookieSecure: boolean;
  /** this operation's logger: its lines carry the request id (HTTP) or socket and operation ids (graphql-ws) */
  logger: Logger;
  /** the client's address, for per-address limits where there is no user yet (infra/client-address.ts) */
  clientIp: string;
}

export type CookieJar = string[];

export function requireViewer(ctx: Context): Viewer {
  if (ctx.viewer) return ctx.viewer;
  throw ctx.authProblem === "expired" ? unauthenticated("Your session has expired.", "expired") : unauthenticated();
}

export function baseContext(
  deps: Pick<Context, "prisma" | "bus" | "services" | "cookieSecure">,
  auth: Pick<Context, "viewer" | "authProblem">,
): Omit<Context, "cookies" | "refreshCookie" | "logger" | "clientIp"> {
  return { ...deps, ...auth, loaders: createLoaders(deps.prisma, auth.viewer?.id) };
}
