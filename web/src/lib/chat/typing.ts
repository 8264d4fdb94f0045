import { derived, type Readable, writable } from "svelte/store";

/** Someone typing in a chat, until `until` (ms since the epoch). */
export interface Typist {
  id: string;
  username: string;
  nickname: string;
  until: number;
}

/** TypingEvent is never followed by a stop: show it this long, or until that user's message arrives. */
export const TYPING_SHOWN_MS = 5_000;

type Typing = ReadonlyMap<string, readonly Typist[]>;
const typing = writable<Typing>(new Map());
const timers = new Map<string, ReturnType<typeof setTimeout>>();

function set(chatId: string, update: (list: readonly Typist[]) => readonly Typist[]): void {
  typing.update((all) => {
    const before = all.get(chatId) ?? [];
    const after = update(before);
    if (after === before) return all;
    const next = new Map(all);
    if (after.length) next.set(chatId, after);
    else next.delete(chatId);
    return next;
  });
}

/** A TypingEvent: `user` is typing in `chatId` (again: the expiry moves on; the list stays the same). */
export function typingStarted(
  chatId: string,
  user: { id: string; username: string; nickname: string },
  now = Date.now(),
): void {
  const until = now + TYPING_SHOWN_MS;
  set(chatId, (list) => {
    const others = list.filter((one) => one.id !== user.id);
    return [...others, { id: user.id, username: user.username, nickname: user.nickname, until }];
  });
  const key = `${chatId}\u0000${user.id}`;
  clearTimeout(timers.get(key));
  timers.set(
    key,
    setTimeout(() => typingStopped(chatId, user.id), until - now),
  );
}

/** The typist's message arrived (or the typing expired): stop showing them. */
export function typingStopped(chatId: string, userId: string): void {
  const key = `${chatId}\u0000${userId}`;
  clearTimeout(timers.get(key));
  timers.delete(key);
  set(chatId, (list) => (list.some((one) => one.id === userId) ? list.filter((one) => one.id !== userId) : list));
}

/** Who is typing in a chat now, in the order they started: for the typing line and the conversation list. */
export function typingIn(chatId: string): Readable<readonly Typist[]> {
  return derived(typing, (all) => all.get(chatId) ?? [], []);
}

/** "Alice is typing…", "Alice and Bob are typing…", "3 people are typing…"; empty when nobody is. */
export function typingLine(typists: readonly Pick<Typist, "nickname" | "username">[]): string {
  const names = typists.map((one) => one.nickname || one.username);
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
