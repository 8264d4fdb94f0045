/** What a legacy client shows for a message: its text, then one link per attachment, a line each. */
export function legacyContent(content: string, links: readonly string[]): string {
  return [content, ...links].filter((line) => line !== "").join("\n");
}
