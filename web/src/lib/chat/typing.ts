import { derived, type Readable } from "svelte/store";
import { type Typist, typing, typingLine } from "../conversations/typing.ts";

/**
 * Who is typing in one chat now, in the order they started (the chatEvents updater feeds the shared store of
 * lib/conversations/typing.ts, which the list shows too).
 */
export function typingIn(chatId: string): Readable<readonly Typist[]> {
  return derived(typing, (all) => all.get(chatId) ?? [], []);
}

export { type Typist, typingLine };
