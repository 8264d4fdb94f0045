/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation SendMessage($chatId: ID!, $content: String!, $clientTimestamp: String) {\n  sendMessage(\n    chatId: $chatId\n    content: $content\n    clientTimestamp: $clientTimestamp\n  ) {\n    id\n  }\n}\n\nmutation LikeMessage($messageId: ID!, $chatId: ID!, $liked: Boolean!) {\n  setMessageLiked(messageId: $messageId, chatId: $chatId, liked: $liked) {\n    id\n  }\n}\n\nmutation ReadMessage($messageId: ID!) {\n  markMessageRead(messageId: $messageId) {\n    id\n  }\n}\n\nsubscription LegacyChatEvents {\n  chatEvents {\n    __typename\n    ... on MessageSentEvent {\n      message {\n        id\n        chatId\n        content\n        createdAt\n        clientTimestamp\n        sender {\n          username\n        }\n      }\n    }\n    ... on MessageLikedEvent {\n      chatId\n      messageId\n      liked\n    }\n  }\n}\n\nfragment LegacyChatMessage on Message {\n  id\n  content\n  createdAt\n  isRead\n  isLiked\n  sender {\n    username\n  }\n}\n\nfragment LegacyChatBase on Chat {\n  id\n  isBlockedByMe\n  hasBlockedMe\n  peer {\n    username\n    nickname\n    avatar\n    isOnline\n  }\n}\n\nquery LegacyChats($first: Int!, $offset: Int!) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    nodes {\n      ...LegacyChatBase\n      unreadCount\n      lastMessage {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}\n\nquery LegacyChatPeer($username: String!) {\n  user(username: $username) {\n    id\n  }\n}\n\nmutation LegacyOpenChat($username: String!) {\n  openChat(username: $username) {\n    created\n    chat {\n      ...LegacyChatBase\n      messages(first: 30) {\n        nodes {\n          ...LegacyChatMessage\n        }\n      }\n    }\n  }\n}\n\nquery LegacyChatMessages($username: String!, $first: Int!, $offset: Int!) {\n  user(username: $username) {\n    id\n    username\n  }\n  chatWith(username: $username) {\n    messages(first: $first, offset: $offset) {\n      totalCount\n      nodes {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}": typeof types.SendMessageDocument,
    "query Caller {\n  me {\n    id\n    username\n  }\n}": typeof types.CallerDocument,
};
const documents: Documents = {
    "mutation SendMessage($chatId: ID!, $content: String!, $clientTimestamp: String) {\n  sendMessage(\n    chatId: $chatId\n    content: $content\n    clientTimestamp: $clientTimestamp\n  ) {\n    id\n  }\n}\n\nmutation LikeMessage($messageId: ID!, $chatId: ID!, $liked: Boolean!) {\n  setMessageLiked(messageId: $messageId, chatId: $chatId, liked: $liked) {\n    id\n  }\n}\n\nmutation ReadMessage($messageId: ID!) {\n  markMessageRead(messageId: $messageId) {\n    id\n  }\n}\n\nsubscription LegacyChatEvents {\n  chatEvents {\n    __typename\n    ... on MessageSentEvent {\n      message {\n        id\n        chatId\n        content\n        createdAt\n        clientTimestamp\n        sender {\n          username\n        }\n      }\n    }\n    ... on MessageLikedEvent {\n      chatId\n      messageId\n      liked\n    }\n  }\n}\n\nfragment LegacyChatMessage on Message {\n  id\n  content\n  createdAt\n  isRead\n  isLiked\n  sender {\n    username\n  }\n}\n\nfragment LegacyChatBase on Chat {\n  id\n  isBlockedByMe\n  hasBlockedMe\n  peer {\n    username\n    nickname\n    avatar\n    isOnline\n  }\n}\n\nquery LegacyChats($first: Int!, $offset: Int!) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    nodes {\n      ...LegacyChatBase\n      unreadCount\n      lastMessage {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}\n\nquery LegacyChatPeer($username: String!) {\n  user(username: $username) {\n    id\n  }\n}\n\nmutation LegacyOpenChat($username: String!) {\n  openChat(username: $username) {\n    created\n    chat {\n      ...LegacyChatBase\n      messages(first: 30) {\n        nodes {\n          ...LegacyChatMessage\n        }\n      }\n    }\n  }\n}\n\nquery LegacyChatMessages($username: String!, $first: Int!, $offset: Int!) {\n  user(username: $username) {\n    id\n    username\n  }\n  chatWith(username: $username) {\n    messages(first: $first, offset: $offset) {\n      totalCount\n      nodes {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}": types.SendMessageDocument,
    "query Caller {\n  me {\n    id\n    username\n  }\n}": types.CallerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SendMessage($chatId: ID!, $content: String!, $clientTimestamp: String) {\n  sendMessage(\n    chatId: $chatId\n    content: $content\n    clientTimestamp: $clientTimestamp\n  ) {\n    id\n  }\n}\n\nmutation LikeMessage($messageId: ID!, $chatId: ID!, $liked: Boolean!) {\n  setMessageLiked(messageId: $messageId, chatId: $chatId, liked: $liked) {\n    id\n  }\n}\n\nmutation ReadMessage($messageId: ID!) {\n  markMessageRead(messageId: $messageId) {\n    id\n  }\n}\n\nsubscription LegacyChatEvents {\n  chatEvents {\n    __typename\n    ... on MessageSentEvent {\n      message {\n        id\n        chatId\n        content\n        createdAt\n        clientTimestamp\n        sender {\n          username\n        }\n      }\n    }\n    ... on MessageLikedEvent {\n      chatId\n      messageId\n      liked\n    }\n  }\n}\n\nfragment LegacyChatMessage on Message {\n  id\n  content\n  createdAt\n  isRead\n  isLiked\n  sender {\n    username\n  }\n}\n\nfragment LegacyChatBase on Chat {\n  id\n  isBlockedByMe\n  hasBlockedMe\n  peer {\n    username\n    nickname\n    avatar\n    isOnline\n  }\n}\n\nquery LegacyChats($first: Int!, $offset: Int!) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    nodes {\n      ...LegacyChatBase\n      unreadCount\n      lastMessage {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}\n\nquery LegacyChatPeer($username: String!) {\n  user(username: $username) {\n    id\n  }\n}\n\nmutation LegacyOpenChat($username: String!) {\n  openChat(username: $username) {\n    created\n    chat {\n      ...LegacyChatBase\n      messages(first: 30) {\n        nodes {\n          ...LegacyChatMessage\n        }\n      }\n    }\n  }\n}\n\nquery LegacyChatMessages($username: String!, $first: Int!, $offset: Int!) {\n  user(username: $username) {\n    id\n    username\n  }\n  chatWith(username: $username) {\n    messages(first: $first, offset: $offset) {\n      totalCount\n      nodes {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}"): (typeof documents)["mutation SendMessage($chatId: ID!, $content: String!, $clientTimestamp: String) {\n  sendMessage(\n    chatId: $chatId\n    content: $content\n    clientTimestamp: $clientTimestamp\n  ) {\n    id\n  }\n}\n\nmutation LikeMessage($messageId: ID!, $chatId: ID!, $liked: Boolean!) {\n  setMessageLiked(messageId: $messageId, chatId: $chatId, liked: $liked) {\n    id\n  }\n}\n\nmutation ReadMessage($messageId: ID!) {\n  markMessageRead(messageId: $messageId) {\n    id\n  }\n}\n\nsubscription LegacyChatEvents {\n  chatEvents {\n    __typename\n    ... on MessageSentEvent {\n      message {\n        id\n        chatId\n        content\n        createdAt\n        clientTimestamp\n        sender {\n          username\n        }\n      }\n    }\n    ... on MessageLikedEvent {\n      chatId\n      messageId\n      liked\n    }\n  }\n}\n\nfragment LegacyChatMessage on Message {\n  id\n  content\n  createdAt\n  isRead\n  isLiked\n  sender {\n    username\n  }\n}\n\nfragment LegacyChatBase on Chat {\n  id\n  isBlockedByMe\n  hasBlockedMe\n  peer {\n    username\n    nickname\n    avatar\n    isOnline\n  }\n}\n\nquery LegacyChats($first: Int!, $offset: Int!) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    nodes {\n      ...LegacyChatBase\n      unreadCount\n      lastMessage {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}\n\nquery LegacyChatPeer($username: String!) {\n  user(username: $username) {\n    id\n  }\n}\n\nmutation LegacyOpenChat($username: String!) {\n  openChat(username: $username) {\n    created\n    chat {\n      ...LegacyChatBase\n      messages(first: 30) {\n        nodes {\n          ...LegacyChatMessage\n        }\n      }\n    }\n  }\n}\n\nquery LegacyChatMessages($username: String!, $first: Int!, $offset: Int!) {\n  user(username: $username) {\n    id\n    username\n  }\n  chatWith(username: $username) {\n    messages(first: $first, offset: $offset) {\n      totalCount\n      nodes {\n        ...LegacyChatMessage\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Caller {\n  me {\n    id\n    username\n  }\n}"): (typeof documents)["query Caller {\n  me {\n    id\n    username\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;