import { badInput } from "../../../graphql/errors.ts";

/**
 * The like of the legacy API, as a reaction: "❤️", U+2764 U+FE0F, the fully-qualified (emoji presentation)
 * spelling that emoji keyboards send. A bare U+2764 is accepted too and stored in this spelling (see parseEmoji).
 */
export const HEART = "\u2764\uFE0F";

/** The longest RGI emoji (a kiss with two skin tones) is 15 UTF-16 units; the column holds 32 characters. */
export const MAX_EMOJI_LENGTH = 32;

// The `v` flag (Unicode sets: \p{RGI_Emoji} is a property of strings) runs on Node 20 but is past the ES2023
// target the compiler checks literal flags against, so it is passed as a plain string.
const UNICODE_SETS: string = "v";
const SINGLE_EMOJI = new RegExp("^\\p{RGI_Emoji}$", UNICODE_SETS);
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * A reaction is exactly one grapheme that is an RGI emoji (a ZWJ family, a flag, a skin tone are one). A
 * single text-presentation character that is an emoji with U+FE0F ("❤", "☺") is stored with it, so each
 * emoji has one spelling and "❤" counts as the like.
 */
export function parseEmoji(input: string): string {
  if (input.length === 0 || input.length > MAX_EMOJI_LENGTH) {
    throw badInput(`A reaction is one emoji (at most ${MAX_EMOJI_LENGTH} UTF-16 units).`, "emoji");
  }
  const count = [...graphemes.segment(input)].length;
  if (count !== 1) throw badInput(`A reaction is one emoji, not ${count} characters.`, "emoji");
  if (SINGLE_EMOJI.test(input)) return input;
  const qualified = `${input}\uFE0F`;
  if (SINGLE_EMOJI.test(qualified)) return qualified;
  throw badInput("A reaction must be an emoji.", "emoji");
}
