/** Pages a signed-out visitor may see; every other page sends them to /login and back after it. */
export const PUBLIC_PATHS = ["/login", "/signup"] as const;
export const HOME = "/chats";

export const isPublicPath = (pathname: string) =>
  PUBLIC_PATHS.some((path) => pathname === path || pathname === `${path}/`);

/**
 * Where to go after signing in: `next` if it is a path of this app (never another origin, never a
 * public page, so a crafted link cannot send the user elsewhere), else the chats.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return HOME;
  // browsers strip tabs and newlines from URLs, so "/\t/evil.example" would be "//evil.example"
  if ([...next].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char === "\u007f")) return HOME;
  const url = new URL(next, "http://parley.invalid");
  if (url.origin !== "http://parley.invalid" || isPublicPath(url.pathname) || url.pathname === "/") return HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The log-in page, remembering where the visitor wanted to go (nothing to remember for the home page). */
export function loginHref(wanted: string, page = "/login"): string {
  const next = safeNext(wanted);
  return next === HOME ? page : `${page}?next=${encodeURIComponent(next)}`;
}
