/** The picker's quick choices. */
export const QUICK_EMOJIS = ["👍", "❤️", "😂", "😮", "😢", "🎉"] as const;

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter() : null;

/** One grapheme that is a pictograph (ZWJ sequences, flags and skin tones count as one), as the API accepts. */
export function isOneEmoji(text: string): boolean {
  if (!text) return false;
  const graphemes = segmenter ? [...segmenter.segment(text)].length : [...text].length;
  return graphemes === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(text);
}
