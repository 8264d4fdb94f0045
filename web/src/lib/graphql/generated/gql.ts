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
    "query ChatList($first: Int, $offset: Int) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    hasNextPage\n    nodes {\n      id\n      activityAt\n      unreadCount\n      isBlockedByMe\n      hasBlockedMe\n      peer {\n        id\n        username\n        nickname\n        avatar\n      }\n      lastMessage {\n        id\n        content\n        createdAt\n        sender {\n          username\n        }\n      }\n    }\n  }\n}": typeof types.ChatListDocument,
    "fragment SessionUser on Me {\n  id\n  username\n  nickname\n  avatar\n  unreadNotificationCount\n  unreadConversationCount\n}\n\nquery Me {\n  me {\n    ...SessionUser\n  }\n}\n\nmutation SignUp($username: String!, $email: String!, $password: String!) {\n  signUp(username: $username, email: $email, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogIn($login: String!, $password: String!) {\n  logIn(login: $login, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}": typeof types.SessionUserFragmentDoc,
};
const documents: Documents = {
    "query ChatList($first: Int, $offset: Int) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    hasNextPage\n    nodes {\n      id\n      activityAt\n      unreadCount\n      isBlockedByMe\n      hasBlockedMe\n      peer {\n        id\n        username\n        nickname\n        avatar\n      }\n      lastMessage {\n        id\n        content\n        createdAt\n        sender {\n          username\n        }\n      }\n    }\n  }\n}": types.ChatListDocument,
    "fragment SessionUser on Me {\n  id\n  username\n  nickname\n  avatar\n  unreadNotificationCount\n  unreadConversationCount\n}\n\nquery Me {\n  me {\n    ...SessionUser\n  }\n}\n\nmutation SignUp($username: String!, $email: String!, $password: String!) {\n  signUp(username: $username, email: $email, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogIn($login: String!, $password: String!) {\n  logIn(login: $login, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}": types.SessionUserFragmentDoc,
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
export function graphql(source: "query ChatList($first: Int, $offset: Int) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    hasNextPage\n    nodes {\n      id\n      activityAt\n      unreadCount\n      isBlockedByMe\n      hasBlockedMe\n      peer {\n        id\n        username\n        nickname\n        avatar\n      }\n      lastMessage {\n        id\n        content\n        createdAt\n        sender {\n          username\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ChatList($first: Int, $offset: Int) {\n  chats(first: $first, offset: $offset) {\n    totalCount\n    hasNextPage\n    nodes {\n      id\n      activityAt\n      unreadCount\n      isBlockedByMe\n      hasBlockedMe\n      peer {\n        id\n        username\n        nickname\n        avatar\n      }\n      lastMessage {\n        id\n        content\n        createdAt\n        sender {\n          username\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SessionUser on Me {\n  id\n  username\n  nickname\n  avatar\n  unreadNotificationCount\n  unreadConversationCount\n}\n\nquery Me {\n  me {\n    ...SessionUser\n  }\n}\n\nmutation SignUp($username: String!, $email: String!, $password: String!) {\n  signUp(username: $username, email: $email, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogIn($login: String!, $password: String!) {\n  logIn(login: $login, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}"): (typeof documents)["fragment SessionUser on Me {\n  id\n  username\n  nickname\n  avatar\n  unreadNotificationCount\n  unreadConversationCount\n}\n\nquery Me {\n  me {\n    ...SessionUser\n  }\n}\n\nmutation SignUp($username: String!, $email: String!, $password: String!) {\n  signUp(username: $username, email: $email, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogIn($login: String!, $password: String!) {\n  logIn(login: $login, password: $password) {\n    user {\n      ...SessionUser\n    }\n  }\n}\n\nmutation LogOut {\n  logOut\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;