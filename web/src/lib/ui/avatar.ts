/** The API's avatar for a user who set none (a legacy path the web app does not serve): show initials. */
export const DEFAULT_AVATAR = "/img/default_avatar.png";

/** Up to two initials: the first letters of the first two words, else the first two characters. */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s._@+-]+/u)
    .filter(Boolean);
  const graphemes = (text: string) => Array.from(text);
  if (words.length === 0) return "?";
  if (words.length === 1)
    return graphemes(words[0] ?? "")
      .slice(0, 2)
      .join("")
      .toUpperCase();
  return words
    .slice(0, 2)
    .map((word) => graphemes(word)[0] ?? "")
    .join("")
    .toUpperCase();
}

/**
 * Background colours for initials, each at least 4.5:1 against white text (WCAG AA), in light and dark
 * themes alike; a user always gets the same one.
 */
export const AVATAR_COLOURS = ["#1d4ed8", "#7e22ce", "#be123c", "#0f766e", "#b45309", "#4d7c0f", "#0369a1", "#a21caf"];

export function avatarColour(key: string): string {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length] ?? "#1d4ed8";
}

export const hasPicture = (src: string | null | undefined): src is string => Boolean(src) && src !== DEFAULT_AVATAR;
