/**
 * Remembers which live events were already shown (a toast), by key: an event replayed to a second subscriber or
 * delivered again after a reconnect is shown once. Bounded: the oldest keys are forgotten first.
 */
export function onceEach(limit = 500): (key: string) => boolean {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > limit) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
}
