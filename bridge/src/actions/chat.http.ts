import type { ExecutionResult } from "../executor.ts";
import { type ApiError, codeOf, fail, fromApiError, type HttpError } from "../http/errors.ts";
import { paginated, parsePage } from "../http/pagination.ts";
import type { CallerRoute } from "../http/route.ts";
import { chatMessage, chatPreview, chatWithMessages } from "../legacy/chat.ts";
import { readPages } from "../legacy/pagination.ts";
import {
  LegacyChatMessagesDocument,
  type LegacyChatMessagesQuery,
  LegacyChatPeerDocument,
  LegacyChatsDocument,
  LegacyOpenChatDocument,
} from "../operations/generated/graphql.ts";

/** The chat endpoints (protocol §8.2). Path usernames are looked up case-insensitively by the API. */

/** A username no user has: unknown, or past the API's bound (longer than any username). */
const isUnknownUser = (error: ApiError) => codeOf(error) === "NOT_FOUND" || codeOf(error) === "BAD_USER_INPUT";

const userNotFound = (username: string) => fail(404, `User ${username} not found.`);

const unknownUserAs404 =
  (username: string) =>
  (error: ApiError): HttpError | undefined =>
    isUnknownUser(error) ? userNotFound(username) : undefined;

const chats: CallerRoute = {
  method: "GET",
  path: "/api/chats",
  csrf: false,
  auth: true,
  async handle(request) {
    const page = parsePage(request.query);
    const { items, count } = await readPages(page, async (first, offset) => {
      const { chats } = await request.data({ document: LegacyChatsDocument, variables: { first, offset } });
      return { items: chats.nodes.map(chatPreview), count: chats.totalCount };
    });
    return { status: 200, body: paginated(items, count) };
  },
};

/** Get or create: 201 when this request created the chat, 200 when it existed (the frontend branches on it). */
const openChat: CallerRoute = {
  method: "PUT",
  path: "/api/chats/:username",
  csrf: true,
  auth: true,
  async handle(request) {
    const username = request.params.username ?? "";
    const { user } = await request.data(
      { document: LegacyChatPeerDocument, variables: { username } },
      unknownUserAs404(username),
    );
    if (user.id === request.caller.id) throw fail(422, "Cannot get chat with yourself.");
    const { openChat } = await request.data(
      { document: LegacyOpenChatDocument, variables: { username } },
      unknownUserAs404(username),
    );
    return { status: openChat.created ? 201 : 200, body: chatWithMessages(openChat.chat) };
  },
};

type ChatMessages = NonNullable<LegacyChatMessagesQuery["chatWith"]>["messages"];

/** One API page of the chat with `username`, or the legacy refusal: unknown user, myself, no chat (in that order). */
function messagesOf(
  result: ExecutionResult<LegacyChatMessagesQuery>,
  username: string,
  callerId: string,
): ChatMessages {
  const [error] = result.errors ?? [];
  const user = result.data?.user;
  if (!user) throw error && isUnknownUser(error) ? userNotFound(username) : fromApiError(error ?? unexpected());
  if (user.id === callerId) throw fail(422, "Cannot get messages with yourself.");
  if (error) throw fromApiError(error);
  const chat = result.data?.chatWith;
  if (!chat) throw fail(404, `Chat with Profile of ${user.username} was not found.`);
  return chat.messages;
}

const unexpected = (): ApiError => ({ message: "the API answered neither data nor errors" });

/** Newest first; no blocking check (a blocked chat still reads). */
const messages: CallerRoute = {
  method: "GET",
  path: "/api/chats/:username/messages",
  csrf: false,
  auth: true,
  async handle(request) {
    const username = request.params.username ?? "";
    const page = parsePage(request.query);
    const { items, count } = await readPages(page, async (first, offset) => {
      const result = await request.run({
        document: LegacyChatMessagesDocument,
        variables: { username, first, offset },
      });
      const { nodes, totalCount } = messagesOf(result, username, request.caller.id);
      return { items: nodes.map(chatMessage), count: totalCount };
    });
    return { status: 200, body: paginated(items, count) };
  },
};

export const routes: CallerRoute[] = [chats, openChat, messages];
