import { readable, writable } from "svelte/store";

/**
 * Who is typing in which chat, for the list's "typing…" line. The chat domain's `chatEvents` updater calls
 * `typingStarted` on a TypingEvent and `typingStopped` when that user's message arrives; a typist is shown for
 * TYPING_MS after their last event (the API sends no stop; a typist's next event comes at most once a second).
 */
export const TYPING_MS = 5_000;

export interface Typist {
  id: string;
  username: string;
  nickname: string;
}

type Typing = ReadonlyMap<string, readonly Typist[]>;

const typists = new Map<string, Map<string, { typist: Typist; timer: ReturnType<typeof setTimeout> }>>();
const state = writable<Typing>(new Map());

function publish(): void {
  state.set(new Map([...typists].map(([chatId, users]) => [chatId, [...users.values()].map((u) => u.typist)])));
}

/** chatId → the people typing there now, in the order they started. */
export const typing = { subscribe: state.subscribe };

/** A TypingEvent: shown (again) for TYPING_MS. Repeating it only extends the time. */
export function typingStarted(chatId: string, user: Typist): void {
  let users = typists.get(chatId);
  if (!users) {
    users = new Map();
    typists.set(chatId, users);
  }
  const known = users.get(user.id);
  if (known) clearTimeout(known.timer);
  const timer = setTimeout(() => typingStopped(chatId, user.id), TYPING_MS);
  users.set(user.id, { typist: user, timer });
  if (!known) publish();
}

/** The typist's message arrived (or their time ran out). */
export function typingStopped(chatId: string, userId: string): void {
  const users = typists.get(chatId);
  const known = users?.get(userId);
  if (!users || !known) return;
  clearTimeout(known.timer);
  users.delete(userId);
  if (users.size === 0) typists.delete(chatId);
  publish();
}

/** "Ana is typing…", "Ana and Bo are typing…", "3 people are typing…". */
export function typingLine(people: readonly Typist[]): string {
  const names = people.map((p) => p.nickname || p.username);
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** Tests: forget everyone. */
export function resetTyping(): void {
  for (const users of typists.values()) for (const { timer } of users.values()) clearTimeout(timer);
  typists.clear();
  publish();
}

/** A clock for relative times in the list ("5 min"), ticking once a minute. */
export const minuteClock = readable(Date.now(), (set) => {
  const timer = setInterval(() => set(Date.now()), 60_000);
  return () => clearInterval(timer);
});
